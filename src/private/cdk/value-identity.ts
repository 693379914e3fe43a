import { createHash } from 'crypto';
import { CfnElement, CfnParameter, IResolvable, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The identity of a value that may be a token (a route table id, a NACL id, a CIDR block), stable from one synth to
 * the next and the same in every stack of the app.
 *
 * A token's string (`${Token[TOKEN.123]}`) changes whenever constructs are added, and several tokens can name the same
 * thing (each subnet of a new VPC carries its own token for the one default NACL). What the token refers to is stable:
 * a reference to an attribute of a resource of the app (`Ref`, `Fn::GetAtt`) is identified by that resource's
 * construct path and the attribute, anything else by what it resolves to (a literal id, an `Fn::ImportValue` …).
 */
export class ValueIdentity {
  /** One per stack: resolving a value needs the stack it is used in. */
  public static of(scope: IConstruct): ValueIdentity {
    const stack = Stack.of(scope);
    let identity = ValueIdentity.byStack.get(stack);
    if (!identity) {
      identity = new ValueIdentity(stack);
      ValueIdentity.byStack.set(stack, identity);
    }
    return identity;
  }

  private static readonly byStack = new WeakMap<Stack, ValueIdentity>();

  /** Names of reference tokens, by their string. */
  private readonly referenceNames = new Map<string, string>();

  /** What the token strings met in this stack stand for: a token's string names one token for the life of the app. */
  private readonly references = new Map<string, Reference | null>();

  private constructor(public readonly stack: Stack) {}

  /** What the value resolves to in this stack (a literal or a CloudFormation intrinsic). */
  public resolve(value: unknown): unknown {
    return this.stack.resolve(value);
  }

  /** A key that is equal for two values exactly when they name the same thing, in any stack of the app. */
  public identity(value: string | IResolvable): string {
    if (typeof value === 'string' && !Token.isUnresolved(value)) {
      return JSON.stringify(value);
    }
    const reference = this.referenceOf(value);
    if (reference) {
      return referenceIdentity(reference);
    }
    return JSON.stringify(this.resolve(value));
  }

  /**
   * A readable name for construct ids and messages, which depends on the value alone (never on what else was named,
   * nor in which order): the literal value (`acl-0abc`), the logical id the CDK allocates from the path of the
   * resource a `Ref` names, that logical id and the attribute for a `GetAtt` (prefixed with the stack's name when the
   * resource is in another stack, since logical ids are unique only within a stack), the default of a `CfnParameter`
   * that has a literal one, or a short hash of anything else.
   *
   * It follows what CloudFormation deploys, not construct paths: a stack is named by its `stackName`, which stays when
   * its construct is renamed or its Stage moves under a pipeline; a parameter whose default is `acl-0abc` names what
   * the literal `acl-0abc` names.
   *
   * The logical id is read from the element (its `overrideLogicalId` if any, else the one allocated from its path),
   * without resolving the reference token, which costs far more.
   */
  public name(value: string | IResolvable): string {
    if (typeof value === 'string' && !Token.isUnresolved(value)) {
      return readableName(value)!;
    }
    const reference = this.referenceOf(value);
    if (reference) {
      // What a reference names in its own stack does not change: named once.
      const known = typeof value === 'string' ? this.referenceNames.get(value) : undefined;
      if (known !== undefined) {
        return known;
      }
      const owner = Stack.of(reference.target);
      const parameterDefault = literalDefault(reference);
      if (parameterDefault !== undefined) {
        return readableName(parameterDefault)!;
      }
      const local = elementName(reference, owner) ?? readableName(owner.resolve(value)) ?? `H${shortHash(this.identity(value))}`;
      const name = owner === this.stack ? local : `${stackNameOf(owner)}.${local}`;
      if (typeof value === 'string') this.referenceNames.set(value, name);
      return name;
    }
    return readableName(this.resolve(value)) ?? `H${shortHash(this.identity(value))}`;
  }

  /**
   * The reference a value stands for, when it is exactly one reference token (or the reference itself). Recognised by
   * its shape (a target construct and an attribute name), not by `instanceof`, so that it works when two copies of
   * aws-cdk-lib are loaded (a test runner's isolated modules, a monorepo with two installs).
   */
  public referenceOf(value: string | IResolvable): Reference | undefined {
    if (typeof value !== 'string') {
      return isReference(value) ? value : undefined;
    }
    const known = this.references.get(value);
    if (known !== undefined) {
      return known ?? undefined;
    }
    let reference: Reference | null = null;
    if (Token.isUnresolved(value)) {
      const fragments = Tokenization.reverseString(value);
      const token = fragments.length === 1 ? fragments.firstToken : undefined;
      reference = isReference(token) ? token : null;
    }
    this.references.set(value, reference);
    return reference ?? undefined;
  }
}

/** What a reference names: the construct path of its target and the attribute (a path never changes). */
function referenceIdentity(reference: Reference): string {
  let identity = REFERENCE_IDENTITIES.get(reference);
  if (identity === undefined) {
    identity = JSON.stringify({ resource: reference.target.node.path, attribute: reference.displayName });
    REFERENCE_IDENTITIES.set(reference, identity);
  }
  return identity;
}

const REFERENCE_IDENTITIES = new WeakMap<Reference, string>();

function isReference(x: unknown): x is Reference {
  const r = x as Partial<Reference> | undefined;
  return !!r && typeof r === 'object' && typeof r.displayName === 'string' && typeof r.target?.node?.path === 'string';
}

/**
 * The name of a reference to an attribute of a resource (or parameter) of the app: its logical id, then the attribute
 * unless it is `Ref`. `undefined` when the target is no CloudFormation element (a pseudo parameter's reference).
 */
function elementName(reference: Reference, owner: Stack): string | undefined {
  const target = reference.target as Partial<CfnElement>;
  if (typeof target.logicalId !== 'string' || typeof target.stack !== 'object') {
    return undefined;
  }
  const logicalId = logicalIdOf(reference.target as CfnElement, owner);
  return reference.displayName === 'Ref' ? logicalId : `${logicalId}.${reference.displayName}`;
}

/** The literal default of the `CfnParameter` a `Ref` names, if it has one. */
function literalDefault(reference: Reference): string | undefined {
  const parameter = reference.target as Partial<CfnParameter>;
  if (reference.displayName !== 'Ref' || typeof parameter.type !== 'string' || !('default' in reference.target)) {
    return undefined;
  }
  const value: unknown = parameter.default;
  return typeof value === 'string' && !Token.isUnresolved(value) ? value : undefined;
}

/** A stack's name as CloudFormation deploys it; its artifact id when the name is a token. */
export function stackNameOf(stack: Stack): string {
  return Token.isUnresolved(stack.stackName) ? stack.artifactId : stack.stackName;
}

/**
 * The logical id of an element as its template has it. `CfnElement.logicalId` is a lazy token that produces it (the
 * `overrideLogicalId`, else the id allocated from the path); producing it directly spares the full resolution.
 */
function logicalIdOf(element: CfnElement, owner: Stack): string {
  const lazy = Tokenization.reverse(element.logicalId);
  const produced = lazy?.resolve({
    scope: owner,
    preparing: false,
    documentPath: [],
    registerPostProcessor: () => undefined,
    resolve: (x: unknown) => owner.resolve(x),
  });
  return typeof produced === 'string' && !Token.isUnresolved(produced) ? produced : owner.resolve(element.logicalId);
}

function readableName(resolved: unknown): string | undefined {
  if (typeof resolved === 'string') {
    return resolved.replace(/\//g, '_');
  }
  if (resolved && typeof resolved === 'object') {
    const obj = resolved as Record<string, unknown>;
    if (typeof obj.Ref === 'string') {
      return obj.Ref;
    }
    const getAtt = obj['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt.every(p => typeof p === 'string')) {
      return getAtt.join('.');
    }
  }
  return undefined;
}

/** Eight hex digits of SHA-256. */
export function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 8);
}
