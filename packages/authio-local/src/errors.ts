export interface ErrorDetail {
  field: string;
  code: string;
  message: string;
}

/** A failure the API reports to the caller with a stable `code` (API.md §6). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /**
   * Set when the request's writes must commit although it answers with this error (a reused refresh token
   * revokes its session and still answers 401). Otherwise an error rolls the request's writes back.
   */
  keepWrites = false;

  static keepingWrites(error: ApiError): ApiError {
    error.keepWrites = true;
    return error;
  }
}

export const notFound = (what = "resource"): ApiError =>
  new ApiError(404, "not_found", `No such ${what} in this environment.`);

export function invalidRequest(message: string, details?: ErrorDetail[]): ApiError {
  return new ApiError(400, "invalid_request", message, details);
}

export function validationError(details: ErrorDetail[]): ApiError {
  const first = details[0];
  const message =
    details.length === 1 && first
      ? `Invalid request: ${first.field}: ${first.message}`
      : `Invalid request: ${details.length} fields are invalid (${details.map((d) => d.field).join(", ")}).`;
  return new ApiError(400, "invalid_request", message, details);
}
