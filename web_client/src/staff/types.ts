// The REST API's list responses (see /api/openapi.json); what they list is generated
// (../generated/api.ts, from the server's output models).

export interface Items<T> {
  items: T[];
}
