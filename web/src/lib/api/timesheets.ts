// /timesheets: time entries and the timesheet report.
import { api, listAll, ok, type ListParams, type Schema } from './client';

export type TimeEntry = Schema<'TimeEntry'>;
export type TimesheetReport = Schema<'TimesheetReport'>;
export type Bucket = Schema<'Bucket'>;
export type EntryFilters = NonNullable<ListParams<'/api/v1/timesheets/'>['query']>;

const path = (id: string) => ({ params: { path: { id } } });

export const entries = (q: EntryFilters) => listAll('/api/v1/timesheets/', { query: q });
export const addEntry = (body: Schema<'CreateEntry'>) => ok(api.POST('/api/v1/timesheets/', { body }));
export const updateEntry = (id: string, body: Schema<'UpdateEntry'>) =>
  ok(api.PUT('/api/v1/timesheets/{id}', { ...path(id), body }));
export const deleteEntry = (id: string) => ok(api.DELETE('/api/v1/timesheets/{id}', path(id)));
export const report = (q: { days?: number; user_id?: string; client_id?: string; project_id?: string }) =>
  ok(api.GET('/api/v1/timesheets/report', { params: { query: q } }));
