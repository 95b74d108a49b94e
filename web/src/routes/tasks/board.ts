// Pure board logic: grouping cards by column and applying a move densely (mirrors the server).
import type { Column, Task } from '../../lib/api/tasks';

export function groupByColumn(columns: Column[], tasks: Task[]): Record<string, Task[]> {
  const out: Record<string, Task[]> = {};
  for (const c of columns) out[c.id] = [];
  for (const t of tasks) (out[t.column_id] ??= []).push(t);
  for (const k of Object.keys(out)) out[k].sort((a, b) => a.position - b.position);
  return out;
}

/** The task list after moving `id` to `columnId` at `position` (clamped), positions kept dense. */
export function applyMove(columns: Column[], tasks: Task[], id: string, columnId: string, position: number): Task[] {
  const moving = tasks.find((t) => t.id === id);
  if (!moving) return tasks;
  const groups = groupByColumn(columns, tasks.filter((t) => t.id !== id));
  const target = groups[columnId] ?? [];
  const pos = Math.max(0, Math.min(position, target.length));
  const col = columns.find((c) => c.id === columnId);
  target.splice(pos, 0, {
    ...moving,
    column_id: columnId,
    column: col?.name ?? moving.column,
    completed_at: col?.is_done ? (moving.completed_at ?? new Date().toISOString()) : null,
  });
  groups[columnId] = target;
  return Object.values(groups).flatMap((g) => g.map((t, i) => ({ ...t, position: i })));
}
