/** Placeholder until the fetch measurement lands. */
export const createKeepAliveFetch = (): ((request: Request) => Promise<Response>) => (request) =>
  fetch(request);
