// The load → loading → error → data pattern of every page, in one place.
//
//   const board = loader(() => tasks.tasks({ project_id }), []);
//   onMount(board.load);            // or board.load() from an $effect
//   {#if board.loading}…{:else if board.error}…{:else}{#each board.data as t}…{/if}
//
// `load()` keeps the current data while it reloads (no flicker on refresh), clears the error,
// and ignores answers of calls that a newer `load()` overtook. It never throws: failures land in
// `error` (the user-presentable message) and it resolves to false.
import { errorMessage } from './api/client';

export class Loader<T> {
  data: T = $state(undefined as T);
  loading = $state(false);
  error = $state('');
  /** True once a load succeeded. */
  loaded = $state(false);
  #fn: () => Promise<T>;
  #seq = 0;

  constructor(fn: () => Promise<T>, initial: T) {
    this.#fn = fn;
    this.data = initial;
  }

  /** Run the fetch; resolves to whether it succeeded (and was not overtaken). */
  load = async (): Promise<boolean> => {
    const seq = ++this.#seq;
    this.loading = true;
    this.error = '';
    try {
      const data = await this.#fn();
      if (seq !== this.#seq) return false;
      this.data = data;
      this.loaded = true;
      return true;
    } catch (e) {
      if (seq === this.#seq) this.error = errorMessage(e);
      return false;
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  };

  /** Run an action (save, delete…) then reload; its failure is shown in `error` like a load's. */
  run = async (action: () => Promise<unknown>): Promise<boolean> => {
    try {
      await action();
    } catch (e) {
      this.error = errorMessage(e);
      return false;
    }
    return this.load();
  };
}

/** A loader with an initial value (e.g. `[]`), so `data` is never undefined. */
export function loader<T>(fn: () => Promise<T>, initial: T): Loader<T>;
/** A loader whose data is null until the first successful load. */
export function loader<T>(fn: () => Promise<T>): Loader<T | null>;
export function loader<T>(fn: () => Promise<T>, initial: T | null = null): Loader<T | null> {
  return new Loader<T | null>(fn, initial);
}
