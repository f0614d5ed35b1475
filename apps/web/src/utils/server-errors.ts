import { reactive } from 'vue';
import { ApiRequestError } from '@/api/request';

/**
 * Field errors from the API (details[].field is the request property name) shown under the
 * matching form item; details that match no item still reach the user as one toast.
 */
export function useServerErrors<F extends string>(fields: readonly F[]) {
  const errors = reactive({}) as Partial<Record<F, string>>;

  function isField(field: string): field is F {
    return (fields as readonly string[]).includes(field);
  }

  function clear(field?: F): void {
    if (field) delete errors[field];
    else for (const name of fields) delete errors[name];
  }

  /** Places an error's details; returns true when at least one went under a form item. */
  function show(error: unknown): boolean {
    if (!(error instanceof ApiRequestError) || error.details.length === 0) return false;
    const unplaced: string[] = [];
    let placed = false;
    for (const detail of error.details) {
      // Nested properties (awards.0.year) belong to their top-level item.
      const field = detail.field.split(/[.[]/)[0];
      if (isField(field)) {
        errors[field] ??= detail.message;
        placed = true;
      } else {
        unplaced.push(detail.message);
      }
    }
    if (unplaced.length > 0) ElMessage.error({ message: unplaced.join('；'), grouping: true });
    return placed;
  }

  return { errors, clear, show };
}
