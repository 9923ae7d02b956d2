/** Plain Kubernetes objects as the builders produce them: YAML- and Pulumi-ready, no SDK types. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Any Kubernetes resource: apiVersion, kind, metadata and a body (spec, data, ...). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** One container environment variable: a literal value or a reference to a ConfigMap/Secret key. */
export type EnvVar =
  | { name: string; value: string }
  | { name: string; valueFrom: { secretKeyRef: KeyRef } }
  | { name: string; valueFrom: { configMapKeyRef: KeyRef } };

export interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}
