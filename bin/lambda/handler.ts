// A Lambda function that runs `mapc job`: an S3 "Object Created" event from EventBridge applies
// the extract that landed (--once: it waits while an older one is not applied); a scheduled
// event catches up with the whole source. Configured by the same MAPC_* variables as the
// container (bin/cli/job-config.ts; MAPC_SOURCE is required, MAPC_MAPPINGS names the mapping
// or plan files shipped with the function). Log lines and, with MAPC_METRICS=emf, one
// CloudWatch metrics record per run go to standard output, which Lambda sends to CloudWatch Logs.
//
// The result is the job's report. A failed pass throws, so that Lambda counts an error (and
// retries an asynchronous event); an extract that waits for older ones does not: the next
// catch-up applies it.
import type { Handler } from 'aws-lambda';
import type { JobReport } from '../../runtime/job/job-report.js';
import { createJobLog } from '../../runtime/job/job-log.js';
import { jobConfig } from '../cli/job-config.js';
import { jobOptions, runJobLogged } from '../cli/job-command.js';
import { jobRequestOf } from './job-request.js';

export class JobFailed extends Error {
  constructor(readonly report: JobReport | null) {
    super(report?.error ?? 'the job stopped before applying anything (see the log)');
    this.name = 'JobFailed';
  }
}

export const handler: Handler<unknown, JobReport> = async (event) => {
  const request = jobRequestOf(event);
  const config = jobConfig({ values: {}, positionals: [] }, process.env);
  const log = createJobLog(process.stdout);
  log.info('invoked', {
    request: request.kind,
    ...(request.kind === 'extract-landed' ? { extract: request.uri } : {}),
  });
  const options = jobOptions(
    { ...config, ...(request.kind === 'extract-landed' ? { once: request.uri } : { once: undefined }) },
    log,
    process.stdout,
  );
  const report = await runJobLogged(options, log);
  if (report === null || report.status === 'failed') throw new JobFailed(report);
  return report;
};
