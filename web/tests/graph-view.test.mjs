import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importTs } from './load-ts.mjs';

const gv = await importTs(fileURLToPath(new URL('../src/lib/graph-view.ts', import.meta.url)));

const g = {
  nodes: [
    { id: 'source:s1', type: 'source', label: 'Pricing FAQ', data: { title: 'Pricing FAQ', chunks: 4, tags: ['faq', 'pricing'], meta: { a: 1 } } },
    { id: 'source:s2', type: 'source', label: 'Launch notes', data: {} },
    { id: 'learning:l1', type: 'learning', label: 'Writing style', data: {} },
    { id: 'content:c1', type: 'content', label: 'Why our pricing changed', data: { status: 'draft' } },
    { id: 'client:k1', type: 'client', label: 'Acmé Corp', data: {} },
  ],
  edges: [
    { source: 'content:c1', target: 'source:s1', type: 'used', weight: 1.6 },
    { source: 'content:c1', target: 'learning:l1', type: 'used', weight: 0.5 },
    { source: 'learning:l1', target: 'source:s1', type: 'derived_from', weight: 1 },
    { source: 'source:s1', target: 'client:k1', type: 'belongs_to', weight: 1 },
    { source: 'content:c1', target: 'source:gone', type: 'used', weight: 3 },
  ],
};

test('degrees count every edge end; sizes grow with the degree within bounds', () => {
  const d = gv.degrees(g);
  assert.equal(d.get('source:s1'), 3);
  assert.equal(d.get('content:c1'), 3);
  assert.equal(d.get('source:s2'), 0);
  assert.equal(gv.nodeSize(0, 3), 14);
  assert.equal(gv.nodeSize(3, 3), 56);
  assert.ok(gv.nodeSize(1, 3) > 14 && gv.nodeSize(1, 3) < gv.nodeSize(2, 3));
  assert.equal(gv.nodeSize(5, 0), 14);
});

test("a content's links list its inputs strongest first, skipping edges to missing nodes", () => {
  const links = gv.neighbours(g, 'content:c1');
  assert.deepEqual(links.map((l) => [l.node.id, l.type, l.direction]), [
    ['source:s1', 'used', 'out'],
    ['learning:l1', 'used', 'out'],
  ]);
  const src = gv.neighbours(g, 'source:s1');
  assert.deepEqual(src.map((l) => l.node.id), ['content:c1', 'client:k1', 'learning:l1']);
  assert.equal(gv.linkPhrase('used', 'in'), 'used by');
  assert.equal(gv.linkPhrase('derived_from', 'out'), 'learned from');
});

test('search ranks exact, prefix, word prefix, then substring; ignores case and accents', () => {
  assert.deepEqual(gv.searchNodes(g.nodes, 'pricing').map((n) => n.id), ['source:s1', 'content:c1']);
  assert.deepEqual(gv.searchNodes(g.nodes, 'acme').map((n) => n.id), ['client:k1']);
  assert.deepEqual(gv.searchNodes(g.nodes, 'changed').map((n) => n.id), ['content:c1']);
  assert.deepEqual(gv.searchNodes(g.nodes, 'ICING').map((n) => n.id), ['source:s1', 'content:c1']);
  assert.deepEqual(gv.searchNodes(g.nodes, '   '), []);
  assert.equal(gv.searchNodes(g.nodes, 'e', 2).length, 2);
});

test('nodes count by type', () => {
  assert.equal(gv.countByType(g.nodes).get('source'), 2);
  assert.equal(gv.countByType(g.nodes).get('plan'), undefined);
});

test('node pages and data rows', () => {
  assert.equal(gv.nodeHref(g.nodes[3]), '/content/c1');
  assert.equal(gv.nodeHref(g.nodes[0]), '/sources?source=s1');
  assert.equal(gv.nodeHref({ id: 'template:x', type: 'template', label: 'x' }), null);
  assert.equal(gv.rowId('plan:p:1'), 'p:1');
  assert.deepEqual(gv.dataRows(g.nodes[0].data), [
    { key: 'title', value: 'Pricing FAQ' },
    { key: 'chunks', value: '4' },
    { key: 'tags', value: 'faq, pricing' },
  ]);
  assert.equal(gv.typeColor('content'), gv.NODE_TYPES.find((t) => t.type === 'content').color);
});

test('the large-graph layout gives every node a spot, keeps types in their own slice and spreads them', () => {
  const types = ['source', 'content', 'learning'];
  const nodes = Array.from({ length: 600 }, (_, i) => ({ id: `${types[i % 3]}:${i}`, type: types[i % 3], label: `n${i}` }));
  const deg = new Map(nodes.map((n, i) => [n.id, (i * 7919) % 600]));
  const pos = gv.sectorLayout(nodes, deg, 20);
  assert.equal(pos.size, 600);
  // Slices: the angles of one type do not interleave with another's.
  const angle = (p) => (Math.atan2(p.y, p.x) + 2 * Math.PI) % (2 * Math.PI);
  const ranges = types.map((t) => {
    const a = nodes.filter((n) => n.type === t).map((n) => angle(pos.get(n.id)));
    return [Math.min(...a), Math.max(...a)];
  });
  ranges.sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i][0] >= ranges[i - 1][1], 'slices do not overlap');
  // Spread: no two nodes on the same spot, and the best-connected node of a type sits nearest the centre.
  assert.equal(new Set([...pos.values()].map((p) => `${p.x},${p.y}`)).size, 600);
  const sources = nodes.filter((n) => n.type === 'source');
  const r = (n) => Math.hypot(pos.get(n.id).x, pos.get(n.id).y);
  const best = sources.reduce((a, b) => (deg.get(b.id) > deg.get(a.id) ? b : a));
  assert.ok(sources.every((n) => r(best) <= r(n)));
});
