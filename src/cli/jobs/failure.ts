import { JobErrorSchema, type Job } from "../../cluster/jobs/model.js";
import { AlkorError, HTTP_STATUS_BY_CODE, type ErrorCode } from "../../model/errors.js";

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(HTTP_STATUS_BY_CODE, code);
}

/**
 * Why a job that ended without success failed, in the words of Ganeti's
 * cli.FormatError ("Failure: prerequisites not met for this operation:
 * ...", "Failure: command execution error: ..."), carrying the failed
 * opcode's error class.
 */
export function jobFailure(job: Job): AlkorError {
  if (job.status === "canceled" || job.status === "canceling") {
    return new AlkorError("wrong_state", "Failure: command execution error:\nJob was canceled");
  }
  const failed = job.ops.find((op) => op.status === "error");
  const error = JobErrorSchema.safeParse(failed?.result);
  if (!error.success) {
    const what = failed === undefined ? `job ${job.id} ended with status ${job.status}` : JSON.stringify(failed.result);
    return new AlkorError("internal_error", `Failure: command execution error:\n${what}`);
  }
  const { code, message, phase } = error.data;
  const errorCode = isErrorCode(code) ? code : "internal_error";
  if (phase === "prerequisites") {
    return new AlkorError(errorCode, `Failure: prerequisites not met for this operation:\nerror type: ${code}, error details:\n${message}`);
  }
  return new AlkorError(errorCode, `Failure: command execution error:\n${message}`);
}
