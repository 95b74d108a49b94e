// /collections: named groups of sources, and cross-referencing a question across one.
import { api, listAll, ok, type Schema } from './client';

export type Collection = Schema<'Collection'>;

const path = (id: string) => ({ params: { path: { id } } });

export const listCollections = () => listAll('/api/v1/collections');
export const createCollection = (name: string, description = '') => ok(api.POST('/api/v1/collections', { body: { name, description } }));
export const updateCollection = (id: string, body: Schema<'CollectionPatch'>) => ok(api.PUT('/api/v1/collections/{id}', { ...path(id), body }));
export const deleteCollection = (id: string) => ok(api.DELETE('/api/v1/collections/{id}', path(id)));
export const crossReference = (id: string, query: string) =>
  ok(api.POST('/api/v1/collections/{id}/cross-reference', { ...path(id), body: { query } }));
