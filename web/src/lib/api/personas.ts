// /personas: the audiences a writer aims at, and how a text lands with one of them.
import { api, listAll, ok, type Schema } from './client';

export type Persona = Schema<'Persona'>;
export type Simulation = Schema<'Simulation'>;

const path = (id: string) => ({ params: { path: { id } } });

export const personas = {
  list: () => listAll('/api/v1/personas/'),
  generate: (description: string) => ok(api.POST('/api/v1/personas/generate', { body: { description } })),
  remove: (id: string) => ok(api.DELETE('/api/v1/personas/{id}', path(id))),
  simulate: (id: string, body: Schema<'SimulateRequest'>) => ok(api.POST('/api/v1/personas/{id}/simulate', { ...path(id), body })),
};
