// What the knowledge graph page computes from GET /graph/knowledge before drawing it: node
// types and their colours, degrees and sizes, neighbours of a node, label search, filtering.
// Free of imports so Node tests load it.

export interface GNode {
  id: string;
  type: string;
  label: string;
  data?: Record<string, unknown>;
}

export interface GEdge {
  source: string;
  target: string;
  type: string;
  weight: number;
}

export interface Graph {
  nodes: GNode[];
  edges: GEdge[];
}

/** The node types of the graph, in legend order, with a colour readable on light and dark. */
export const NODE_TYPES: { type: string; label: string; color: string }[] = [
  { type: 'source', label: 'Sources', color: '#2f80ed' },
  { type: 'collection', label: 'Collections', color: '#56ccf2' },
  { type: 'learning', label: 'Learnings', color: '#9b51e0' },
  { type: 'skill', label: 'Skills', color: '#bb6bd9' },
  { type: 'persona', label: 'Personas', color: '#f2994a' },
  { type: 'template', label: 'Templates', color: '#a0785a' },
  { type: 'content', label: 'Contents', color: '#27ae60' },
  { type: 'plan', label: 'Plans', color: '#eb5757' },
  { type: 'client', label: 'Clients', color: '#4f4f4f' },
  { type: 'project', label: 'Projects', color: '#828282' },
];

/** The edge types, how they read and how they are drawn. */
export const EDGE_TYPES: { type: string; label: string; color: string; style: 'solid' | 'dashed' | 'dotted' }[] = [
  { type: 'used', label: 'used by a content', color: '#27ae60', style: 'solid' },
  { type: 'derived_from', label: 'learned from', color: '#9b51e0', style: 'solid' },
  { type: 'in_collection', label: 'in collection', color: '#56ccf2', style: 'dashed' },
  { type: 'belongs_to', label: 'belongs to', color: '#9aa1ad', style: 'dotted' },
  { type: 'planned_as', label: 'planned as', color: '#eb5757', style: 'dashed' },
];

const FALLBACK = '#8a8f98';

export function typeColor(type: string): string {
  return NODE_TYPES.find((t) => t.type === type)?.color ?? FALLBACK;
}

export function typeLabel(type: string): string {
  return NODE_TYPES.find((t) => t.type === type)?.label ?? type;
}

/** The number of edges touching each node. */
export function degrees(g: Graph): Map<string, number> {
  const out = new Map<string, number>(g.nodes.map((n) => [n.id, 0]));
  for (const e of g.edges) {
    out.set(e.source, (out.get(e.source) ?? 0) + 1);
    if (e.target !== e.source) out.set(e.target, (out.get(e.target) ?? 0) + 1);
  }
  return out;
}

/** A node's diameter in pixels from its degree: 14 alone, growing with the square root up to 56. */
export function nodeSize(degree: number, maxDegree: number): number {
  const min = 14;
  const max = 56;
  if (maxDegree <= 0) return min;
  return Math.round(min + (max - min) * Math.sqrt(Math.min(degree, maxDegree) / maxDegree));
}

/**
 * Positions for a large graph in linear time: a disk cut into one slice per node type (in legend
 * order, sized by its count), each slice filled from the centre outwards with its best-connected
 * nodes first, at an even density (`spacing` pixels apart, roughly).
 */
export function sectorLayout(nodes: GNode[], degree: Map<string, number>, spacing = 28): Map<string, { x: number; y: number }> {
  const order = (t: string) => {
    const i = NODE_TYPES.findIndex((x) => x.type === t);
    return i < 0 ? NODE_TYPES.length : i;
  };
  const groups = new Map<string, GNode[]>();
  for (const n of nodes) groups.set(n.type, [...(groups.get(n.type) ?? []), n]);
  const types = [...groups.keys()].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const total = nodes.length;
  const golden = (Math.sqrt(5) - 1) / 2;
  const out = new Map<string, { x: number; y: number }>();
  let start = 0;
  for (const t of types) {
    const list = groups.get(t)!.sort((a, b) => (degree.get(b.id) ?? 0) - (degree.get(a.id) ?? 0) || a.id.localeCompare(b.id));
    const span = (2 * Math.PI * list.length) / total;
    list.forEach((n, k) => {
      const r = spacing * Math.sqrt(((k + 0.5) * total) / list.length);
      const a = start + span * (0.05 + 0.9 * ((k * golden) % 1));
      out.set(n.id, { x: Math.round(r * Math.cos(a)), y: Math.round(r * Math.sin(a)) });
    });
    start += span;
  }
  return out;
}

/** How a neighbour relates to a node, for the side panel. */
export interface Link {
  node: GNode;
  type: string;
  /** `out` when the node is the edge's source ("content used source"), `in` otherwise. */
  direction: 'out' | 'in';
  weight: number;
}

/** The neighbours of `id`, strongest first (then by label); an edge to a missing node is skipped. */
export function neighbours(g: Graph, id: string): Link[] {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const out: Link[] = [];
  for (const e of g.edges) {
    const other = e.source === id ? e.target : e.target === id ? e.source : null;
    if (other === null) continue;
    const node = byId.get(other);
    if (node) out.push({ node, type: e.type, direction: e.source === id ? 'out' : 'in', weight: e.weight });
  }
  return out.sort((a, b) => b.weight - a.weight || a.node.label.localeCompare(b.node.label));
}

/** How an edge type reads from one end ("used" seen from the source reads "used by"). */
export function linkPhrase(type: string, direction: 'out' | 'in'): string {
  const phrases: Record<string, [string, string]> = {
    used: ['uses', 'used by'],
    derived_from: ['learned from', 'taught'],
    in_collection: ['in collection', 'holds'],
    belongs_to: ['belongs to', 'has'],
    planned_as: ['planned as', 'planned in'],
  };
  const p = phrases[type];
  return p ? p[direction === 'out' ? 0 : 1] : type.replace(/_/g, ' ');
}

/**
 * Nodes whose label (or id) matches `query`, best first: exact label, then label prefix, then a
 * word prefix, then anywhere. Case- and accent-insensitive. At most `limit`.
 */
export function searchNodes(nodes: GNode[], query: string, limit = 8): GNode[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const q = fold(query.trim());
  if (!q) return [];
  const scored: { n: GNode; rank: number }[] = [];
  for (const n of nodes) {
    const label = fold(n.label);
    let rank = -1;
    if (label === q) rank = 0;
    else if (label.startsWith(q)) rank = 1;
    else if (label.split(/[^\p{L}\p{N}]+/u).some((w) => w.startsWith(q))) rank = 2;
    else if (label.includes(q) || fold(n.id) === q) rank = 3;
    if (rank >= 0) scored.push({ n, rank });
  }
  scored.sort((a, b) => a.rank - b.rank || a.n.label.length - b.n.label.length || a.n.label.localeCompare(b.n.label));
  return scored.slice(0, limit).map((s) => s.n);
}

/** How many nodes of each type. */
export function countByType(nodes: GNode[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of nodes) out.set(n.type, (out.get(n.type) ?? 0) + 1);
  return out;
}

/** The row id of a node id `"<type>:<id>"`. */
export function rowId(nodeId: string): string {
  const i = nodeId.indexOf(':');
  return i < 0 ? nodeId : nodeId.slice(i + 1);
}

/** The page that shows a node's row, when the app has one. */
export function nodeHref(n: GNode): string | null {
  const id = encodeURIComponent(rowId(n.id));
  switch (n.type) {
    case 'source':
      return `/sources?source=${id}`;
    case 'content':
      return `/content/${id}`;
    case 'plan':
      return `/planner?plan=${id}`;
    case 'learning':
      return '/learnings';
    case 'skill':
      return '/skills';
    case 'persona':
      return '/personas';
    case 'collection':
      return '/collections';
    case 'client':
    case 'project':
      return '/enterprise';
    default:
      return null;
  }
}

/** A node's data as label/value rows for display (scalars only, ids and empties left out). */
export function dataRows(data: Record<string, unknown> | undefined): { key: string; value: string }[] {
  const rows: { key: string; value: string }[] = [];
  for (const [k, v] of Object.entries(data ?? {})) {
    if (v === null || v === undefined || v === '' || k === 'id') continue;
    let value: string;
    if (Array.isArray(v)) {
      if (!v.length || v.some((x) => typeof x === 'object')) continue;
      value = v.join(', ');
    } else if (typeof v === 'object') continue;
    else value = String(v);
    rows.push({ key: k.replace(/_/g, ' '), value });
  }
  return rows;
}
