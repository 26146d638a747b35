/** Progress events the runner emits; the CLI turns them into a progress bar or log lines. */
export type RunEvent =
  | { readonly type: 'model-loaded'; readonly model: string; readonly provider: string }
  | { readonly type: 'not-applicable'; readonly model: string; readonly task: string; readonly reason: string }
  | { readonly type: 'task-start'; readonly model: string; readonly task: string; readonly total: number | null; readonly alreadyDone: number }
  | { readonly type: 'progress'; readonly model: string; readonly task: string; readonly done: number; readonly failed: number }
  | { readonly type: 'sample-failed'; readonly model: string; readonly task: string; readonly sampleId: string; readonly reason: string; readonly location: string }
  | { readonly type: 'task-end'; readonly model: string; readonly task: string; readonly done: number; readonly failed: number; readonly seconds: number }
  | { readonly type: 'interrupted'; readonly model: string; readonly task: string }
  /** wholeTask: every query of a retrieval task runs again (a rank depends on the whole gallery), not only the failed ones. */
  | { readonly type: 'retrying'; readonly model: string; readonly task: string; readonly failed: number; readonly wholeTask?: boolean }
  | { readonly type: 'lost-records'; readonly model: string; readonly task: string; readonly found: number; readonly requested: number };
