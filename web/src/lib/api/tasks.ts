// /tasks: board columns, tasks, comments, the timer and the productivity report.
import { api, listAll, ok, type ListParams, type Schema } from './client';

export type Column = Schema<'Column'>;
export type Task = Schema<'Task'>;
export type NewTask = Schema<'CreateTask'>;
export type TaskPatch = Schema<'UpdateTask'>;
export type Comment = Schema<'Comment'>;
export type TimerState = Schema<'TimerState'>;
export type ProductivityReport = Schema<'ProductivityReport'>;
export type Breakdown = Schema<'Breakdown'>;
export type TaskFilters = NonNullable<ListParams<'/api/v1/tasks/'>['query']>;

/** The priorities the server accepts (the spec types `priority` as a plain string). */
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

const path = (id: string) => ({ params: { path: { id } } });

export const columns = (project_id?: string | null) => listAll('/api/v1/tasks/columns', { query: { project_id } });
export const createColumn = (body: Schema<'CreateColumn'>) => ok(api.POST('/api/v1/tasks/columns', { body }));
export const updateColumn = (id: string, body: Schema<'UpdateColumn'>) => ok(api.PUT('/api/v1/tasks/columns/{id}', { ...path(id), body }));
export const deleteColumn = (id: string, target_column_id?: string) =>
  ok(api.DELETE('/api/v1/tasks/columns/{id}', { params: { path: { id }, query: { target_column_id } } }));

/** Every task of a scope (the board needs them all: pages through the list). */
export const tasks = (q: TaskFilters) => listAll('/api/v1/tasks/', { query: q });
export const task = (id: string) => ok(api.GET('/api/v1/tasks/{id}', path(id)));
export const createTask = (body: NewTask) => ok(api.POST('/api/v1/tasks/', { body }));
export const updateTask = (id: string, body: TaskPatch) => ok(api.PUT('/api/v1/tasks/{id}', { ...path(id), body }));
export const deleteTask = (id: string) => ok(api.DELETE('/api/v1/tasks/{id}', path(id)));
export const moveTask = (id: string, column_id: string, position: number) =>
  ok(api.PUT('/api/v1/tasks/{id}/move', { ...path(id), body: { column_id, position } }));

export const timer = () => ok(api.GET('/api/v1/tasks/timer'));
export const setTimer = (id: string, action: 'start' | 'stop') => ok(api.PUT('/api/v1/tasks/{id}/timer', { ...path(id), body: { action } }));

export const comments = (id: string) => listAll('/api/v1/tasks/{id}/comments', { path: { id } });
export const addComment = (id: string, content: string) => ok(api.POST('/api/v1/tasks/{id}/comments', { ...path(id), body: { content } }));
export const deleteComment = (id: string) => ok(api.DELETE('/api/v1/tasks/comments/{id}', path(id)));

export const productivity = (q: { days?: number; project_id?: string | null }) =>
  ok(api.GET('/api/v1/tasks/productivity-report', { params: { query: q } }));
export const checkOverdue = () => ok(api.POST('/api/v1/tasks/check-overdue'));
