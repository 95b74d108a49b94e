// /personas client: types declared here until the generated OpenAPI types replace them.
import { request } from '../api';
import type { Paged } from './learnings';

export interface Persona {
  id: string;
  owner_id: string;
  name: string;
  role: string;
  description: string;
  goals: string[];
  pain_points: string[];
  interests: string[];
  objections: string[];
  tone: string;
  platforms: string[];
  builtin: boolean;
  created_at: string;
}

export interface Simulation {
  relevance_score: number;
  reaction: string;
  strengths: string[];
  weaknesses: string[];
  suggestions: string[];
}

export const personas = {
  list: () => request<Paged<Persona>>('GET', '/personas/?limit=200'),
  generate: (description: string) => request<Persona>('POST', '/personas/generate', { description }),
  remove: (id: string) => request<void>('DELETE', `/personas/${id}`),
  simulate: (id: string, body: { content?: string; content_id?: string }) =>
    request<Simulation>('POST', `/personas/${id}/simulate`, body),
};
