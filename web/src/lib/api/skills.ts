// /skills client: types declared here until the generated OpenAPI types replace them.
import { request } from '../api';
import type { Paged } from './learnings';

export interface Skill {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  skill_type: string;
  instructions: string;
  active: boolean;
  folder_id: string | null;
  builtin: boolean;
  created_at: string;
}

export interface Folder {
  id: string;
  name: string;
  parent_id: string | null;
  created_at: string;
}

export interface ActiveInstructions {
  instructions: string;
  skill_ids: string[];
}

export type SkillInput = Pick<Skill, 'name' | 'description' | 'skill_type' | 'instructions'>;

export const skills = {
  list: () => request<Paged<Skill>>('GET', '/skills/?limit=200'),
  create: (s: SkillInput) => request<Skill>('POST', '/skills/', s),
  update: (id: string, s: SkillInput) => request<Skill>('PUT', `/skills/${id}`, s),
  remove: (id: string) => request<void>('DELETE', `/skills/${id}`),
  toggle: (id: string, active?: boolean) => request<Skill>('PUT', `/skills/${id}/toggle`, active === undefined ? {} : { active }),
  move: (id: string, folder_id: string | null) => request<Skill>('PUT', `/skills/${id}/move`, { folder_id }),
  generate: (description: string) => request<Skill>('POST', '/skills/generate', { description }),
  active: () => request<ActiveInstructions>('GET', '/skills/active-instructions'),
  folders: () => request<Paged<Folder>>('GET', '/skills/folders?limit=200'),
  createFolder: (name: string, parent_id?: string | null) => request<Folder>('POST', '/skills/folders', { name, parent_id }),
  removeFolder: (id: string) => request<void>('DELETE', `/skills/folders/${id}`),
};
