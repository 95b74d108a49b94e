// /graph: the knowledge graph (what the caller may see, as nodes and typed edges), the pipeline
// counts and the influence ranking built from content provenance.
import { api, ok, type Schema } from './client';

export type KnowledgeGraph = Schema<'KnowledgeGraph'>;
export type GraphNode = Schema<'GraphNode'>;
export type GraphEdge = Schema<'GraphEdge'>;
export type GraphStats = Schema<'GraphStats'>;
export type Influence = Schema<'Influence'>;
export type InfluenceItem = Schema<'InfluenceItem'>;

export const knowledge = (query: { client_id?: string; types?: string; limit?: number } = {}, signal?: AbortSignal) =>
  ok(api.GET('/api/v1/graph/knowledge', { params: { query }, signal }));
export const stats = () => ok(api.GET('/api/v1/graph/stats'));
export const influence = (query: { client_id?: string; content_id?: string; limit?: number } = {}) =>
  ok(api.GET('/api/v1/graph/influence', { params: { query } }));
