// /timesheets: time entries and the timesheet report.
import { api, listAll, ok, type ListParams, type Schema } from './client';

/**
 * A time entry. Declared here because the spec's `components.schemas.Entry` is a different type
 * (knowledge's LinkedIn `Entry` wins the name clash in utoipa), so `/timesheets/` is typed with the
 * wrong schema until the server gives this one a unique name; the list is cast once below.
 */
export interface TimeEntry {
  id: string;
  user_id: string;
  user_name: string | null;
  task_id: string | null;
  task_title: string | null;
  client_id: string | null;
  project_id: string | null;
  minutes: number;
  billable: boolean;
  description: string;
  date: string;
  source: string;
  hourly_rate: number | null;
  created_at: string;
}
export type TimesheetReport = Schema<'TimesheetReport'>;
export type Bucket = Schema<'Bucket'>;
export type EntryFilters = NonNullable<ListParams<'/api/v1/timesheets/'>['query']>;

const path = (id: string) => ({ params: { path: { id } } });

export const entries = async (q: EntryFilters) => (await listAll('/api/v1/timesheets/', { query: q })) as unknown as TimeEntry[];
export const addEntry = async (body: Schema<'CreateEntry'>) => (await ok(api.POST('/api/v1/timesheets/', { body }))) as unknown as TimeEntry;
export const updateEntry = async (id: string, body: Schema<'UpdateEntry'>) =>
  (await ok(api.PUT('/api/v1/timesheets/{id}', { ...path(id), body }))) as unknown as TimeEntry;
export const deleteEntry = (id: string) => ok(api.DELETE('/api/v1/timesheets/{id}', path(id)));
export const report = (q: { days?: number; user_id?: string; client_id?: string; project_id?: string }) =>
  ok(api.GET('/api/v1/timesheets/report', { params: { query: q } }));
