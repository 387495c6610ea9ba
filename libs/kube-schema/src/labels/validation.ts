// Kubernetes name and label syntax (DNS-1123 labels, label keys and values): each check explains what is wrong.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Why `value` is not a DNS-1123 label (lower-case alphanumerics and '-', at most 63), or undefined when it is. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 63) return `"${value}" is ${value.length} characters long, at most 63 are allowed`;
  if (!DNS1123_LABEL.test(value)) {
    return `"${value}" is not a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Why `key` is not a Kubernetes label key (`[prefix/]name`), or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
      return `key "${key}": prefix "${prefix}" must be a DNS-1123 subdomain of at most 253 characters`;
    }
  }
  if (name.length === 0) return `key "${key}": name part must not be empty`;
  if (name.length > 63) return `key "${key}": name part is ${name.length} characters long, at most 63 are allowed`;
  if (!QUALIFIED_NAME.test(name)) {
    return `key "${key}": name part must be alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

/** Why `value` is not a Kubernetes label value (empty, or at most 63 alphanumerics, '-', '_', '.'), or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > 63) return `value "${value}" is ${value.length} characters long, at most 63 are allowed`;
  if (!QUALIFIED_NAME.test(value)) {
    return `value "${value}" must be alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

/** Problems of a label map, each prefixed with `field` and the key, e.g. `labels["env"]: value "x y" must be ...`. */
export function labelsProblems(labels: Record<string, string>, field = 'labels'): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) problems.push(`${field}: ${keyProblem}`);
    const valueProblem = labelValueProblem(value);
    if (valueProblem) problems.push(`${field}[${JSON.stringify(key)}]: ${valueProblem}`);
  }
  return problems;
}
