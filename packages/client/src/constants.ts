/**
 * Facts about Flinks that the client, the gateway, the tests and the benchmark all need: one source.
 */

/** The public toolbox environment's customer id, Flinks' documented default (flinks-api-notes §4). */
export const TOOLBOX_CUSTOMER_ID = "43387ca6-0391-4c82-857d-70d95f087ecb";

/** A GUID as Flinks writes them (LoginId, RequestId, customer id), any case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An instance name: one DNS label, as in `https://{instance}-api.private.fin.ag`. */
export const INSTANCE_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
