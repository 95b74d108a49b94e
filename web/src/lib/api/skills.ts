// /skills: instructions a writer switches on for every generation, in folders.
import { api, listAll, ok, type Schema } from './client';

export type Skill = Schema<'Skill'>;
export type Folder = Schema<'Folder'>;
export type ActiveInstructions = Schema<'ActiveInstructions'>;
export type SkillInput = Schema<'SkillInput'>;

const path = (id: string) => ({ params: { path: { id } } });

export const skills = {
  list: () => listAll('/api/v1/skills/'),
  create: (body: SkillInput) => ok(api.POST('/api/v1/skills/', { body })),
  update: (id: string, body: SkillInput) => ok(api.PUT('/api/v1/skills/{id}', { ...path(id), body })),
  remove: (id: string) => ok(api.DELETE('/api/v1/skills/{id}', path(id))),
  toggle: (id: string, active?: boolean) =>
    ok(api.PUT('/api/v1/skills/{id}/toggle', { ...path(id), body: active === undefined ? {} : { active } })),
  move: (id: string, folder_id: string | null) => ok(api.PUT('/api/v1/skills/{id}/move', { ...path(id), body: { folder_id } })),
  generate: (description: string) => ok(api.POST('/api/v1/skills/generate', { body: { description } })),
  active: () => ok(api.GET('/api/v1/skills/active-instructions')),
  folders: () => listAll('/api/v1/skills/folders'),
  createFolder: (name: string, parent_id?: string | null) => ok(api.POST('/api/v1/skills/folders', { body: { name, parent_id } })),
  removeFolder: (id: string) => ok(api.DELETE('/api/v1/skills/folders/{id}', path(id))),
};
