// mapc as a library: the functions the `mapc` command is a thin layer over, and the plain
// data they take and give. Import from 'mapc'.
//
//   compile(file)        a .map file → diagnostics and, when clean, its plan
//   loadPlan(file)       a .map or plan .json file → a checked plan (throws PlanNotCompiled)
//   runExtract(options)  one plan on one extract: a preview, or merged into DynamoDB
//   runJob(options)      every new extract under a source, to every mapping, in order
export { compile, type CompileResult } from '../compiler/compile.js';
export type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
export { renderDiagnostics } from '../compiler/diagnostics/render.js';
export { loadPlan, loadPlanWithDiagnostics, PlanNotCompiled, type LoadedPlan } from './load-plan.js';
export { runExtract, type RunExtractOptions, type PreviewOptions, type DynamoDbRunOptions } from './run-extract.js';
export { runJob, watchJob, type RunJobOptions } from './run-job.js';
export type { JobReport, JobRun, JobExtract, JobExtractStatus } from '../runtime/job/job-report.js';
export type { AsOfOrigin } from '../runtime/read/extract-time.js';
export type { JobLog } from '../runtime/job/job-log.js';
export type { Plan } from '../runtime/plan/types.js';
export type { RunReport, TableCounts } from '../runtime/report/run-report.js';
export type { Reject } from '../runtime/report/run-state.js';
export type { DynamoDbOptions } from '../runtime/dynamodb/dynamodb-connection.js';
