/*
 * kube-apiserver's name rules (k8s.io/apimachinery/pkg/util/validation), with its messages.
 */
import { NameRule } from './resources';

export const dns1123LabelRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123SubdomainRe =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedNamePartRe = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
export const labelValueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
export const configKeyRe = /^[-._a-zA-Z0-9]+$/;

// The texts below are kube-apiserver's own (k8s.io/apimachinery/pkg/util/validation).
export const dns1123LabelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035LabelRe = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1035LabelMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const dns1123SubdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const qualifiedNameMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
export const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Returns why `name` is not valid under `rule`, or an empty list. */
export function nameProblems(name: string, rule: NameRule): string[] {
  switch (rule) {
    case 'dns1123Label': {
      const out: string[] = [];
      if (name.length > 63) out.push('must be no more than 63 characters');
      if (!dns1123LabelRe.test(name)) out.push(dns1123LabelMsg);
      return out;
    }
    case 'dns1035Label': {
      const out: string[] = [];
      if (name.length > 63) out.push('must be no more than 63 characters');
      if (!dns1035LabelRe.test(name)) out.push(dns1035LabelMsg);
      return out;
    }
    case 'dns1123Subdomain': {
      const out: string[] = [];
      if (name.length > 253) out.push('must be no more than 253 characters');
      if (!dns1123SubdomainRe.test(name)) out.push(dns1123SubdomainMsg);
      return out;
    }
    case 'pathSegment':
    default: {
      if (name === '.' || name === '..') return [`may not be '${name}'`];
      const out: string[] = [];
      for (const bad of ['/', '%']) {
        if (name.includes(bad)) out.push(`may not contain '${bad}'`);
      }
      return out;
    }
  }
}

/** Why `key` is not a qualified name (`[prefix/]name`), or an empty list. */
export function qualifiedNameProblems(key: string): string[] {
  const parts = key.split('/');
  let name = key;
  const out: string[] = [];
  if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (prefix.length === 0) {
      out.push('prefix part must be non-empty');
    } else if (prefix.length > 253 || !dns1123SubdomainRe.test(prefix)) {
      out.push(`prefix part ${dns1123SubdomainMsg}`);
    }
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63)
    out.push('name part must be no more than 63 characters');
  else if (!qualifiedNamePartRe.test(name)) out.push(qualifiedNameMsg);
  return out;
}
