/**
 * What a resource of a template depends on, the way CloudFormation orders its operations: the logical ids named in
 * its `DependsOn`, and the resources its properties reference through `Ref`, `Fn::GetAtt` and `Fn::Sub`
 * (`${X}`, `${X.Attr}`). Parameters, pseudo parameters (`AWS::Region`) and `Fn::Sub` variables are not resources and
 * are left out.
 */
import { CfnTemplate } from './template';

/**
 * The logical ids of `resourceIds` that `value` (a property value, intrinsics unresolved) references through `Ref`,
 * `Fn::GetAtt` or `Fn::Sub`, in no particular order.
 */
export function referencedResources(value: unknown, resourceIds: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  const add = (name: unknown) => {
    if (typeof name === 'string') {
      const id = name.split('.')[0];
      if (resourceIds.has(id)) found.add(id);
    }
  };
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'Ref') {
      add(o.Ref);
      return;
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const target = o['Fn::GetAtt'];
      if (Array.isArray(target)) {
        add(target[0]);
        target.slice(1).forEach(visit);
      } else {
        add(target);
      }
      return;
    }
    if (keys.length === 1 && keys[0] === 'Fn::Sub') {
      const sub = o['Fn::Sub'];
      const [text, variables] = Array.isArray(sub) ? [sub[0], sub[1]] : [sub, undefined];
      const names = new Set(typeof variables === 'object' && variables !== null ? Object.keys(variables) : []);
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = match[1].trim();
          if (!names.has(name)) add(name);
        }
      } else {
        visit(text);
      }
      if (variables !== undefined) visit(variables);
      return;
    }
    keys.forEach((k) => visit(o[k]));
  };
  visit(value);
  return found;
}

/**
 * For every resource of the template, the logical ids of the resources it directly depends on (`DependsOn` plus the
 * references of its `Properties`), itself excluded. A `DependsOn` naming no resource of the template is an error
 * CloudFormation rejects the template with; it is reported here too.
 */
export function resourceDependencies(template: CfnTemplate): Map<string, Set<string>> {
  const resources = template.Resources ?? {};
  const ids = new Set(Object.keys(resources));
  const result = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(resources)) {
    const deps = referencedResources(resource.Properties ?? {}, ids);
    const dependsOn = resource.DependsOn === undefined ? [] : typeof resource.DependsOn === 'string' ? [resource.DependsOn] : resource.DependsOn;
    for (const target of dependsOn) {
      if (!ids.has(target)) throw new Error(`${id}: DependsOn names ${JSON.stringify(target)}, which is not a resource of the template`);
      deps.add(target);
    }
    deps.delete(id);
    result.set(id, deps);
  }
  return result;
}
