/** Dapr resources as plain objects: YAML-ready, validated against test/schemas/dapr.io. */
export interface DaprResource {
  apiVersion: string;
  kind: 'Component' | 'Subscription' | 'Resiliency';
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

/** One component metadata item: a literal or a reference to a secret. */
export type MetadataItem =
  { name: string; value: string } | { name: string; secretKeyRef: { name: string; key: string } };
