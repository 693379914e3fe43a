/**
 * Reads a cloud assembly (the `cdk.out` directory `cdk synth` writes): its `manifest.json`, the templates of its
 * CloudFormation stacks, and the nested assemblies of Stages (`cdk:cloud-assembly` artifacts), recursively.
 * Node built-ins only: the command runs wherever the library is installed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnTemplate } from '../analysis/template';

/** A cloud assembly that cannot be read: the command reports it and exits with code 2. */
export class AssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

/** One CloudFormation stack of an assembly. */
export interface AssemblyStack {
  /** The artifact id in its manifest (unique within its assembly). */
  readonly artifactId: string;
  /** The stack name CloudFormation sees (`properties.stackName`, else the artifact id): stacks are paired by it. */
  readonly stackName: string;
  /** The construct path of the stack (`displayName`), else the artifact id. */
  readonly displayName: string;
  /** The template file, as a path. */
  readonly templateFile: string;
  readonly template: CfnTemplate;
}

/** Everything the command reads of one assembly. */
export interface CloudAssembly {
  readonly directory: string;
  /** Every stack of the assembly and of its nested assemblies, in manifest order. */
  readonly stacks: AssemblyStack[];
}

interface ManifestArtifact {
  readonly type?: string;
  readonly displayName?: string;
  readonly properties?: {
    readonly templateFile?: string;
    readonly stackName?: string;
    readonly directoryName?: string;
  };
}

/** Reads the assembly in `directory` and the nested assemblies it names; throws an {@link AssemblyError} when it cannot. */
export function readAssembly(directory: string): CloudAssembly {
  const stacks: AssemblyStack[] = [];
  readInto(path.resolve(directory), directory, stacks, new Set());
  return { directory, stacks };
}

function readInto(directory: string, shown: string, stacks: AssemblyStack[], seen: Set<string>): void {
  if (seen.has(directory)) return;
  seen.add(directory);
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw new AssemblyError(`${shown} is not a directory: give the cloud assembly directory \`cdk synth -o <dir>\` writes (cdk.out by default)`);
  }
  if (!fs.existsSync(manifestFile)) {
    throw new AssemblyError(`${shown} holds no manifest.json: it is not a cloud assembly (run \`cdk synth -o ${shown}\` first)`);
  }
  const manifest = readJson(manifestFile, path.join(shown, 'manifest.json')) as { artifacts?: Record<string, ManifestArtifact> };
  if (!isObject(manifest) || (manifest.artifacts !== undefined && !isObject(manifest.artifacts))) {
    throw new AssemblyError(`${path.join(shown, 'manifest.json')} is not a cloud assembly manifest (a JSON object with an artifacts object)`);
  }
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (!isObject(artifact)) throw new AssemblyError(`${path.join(shown, 'manifest.json')}: artifact ${artifactId} is not an object`);
    if (artifact.type === 'aws:cloudformation:stack') {
      const templateFile = artifact.properties?.templateFile;
      if (typeof templateFile !== 'string') {
        throw new AssemblyError(`${path.join(shown, 'manifest.json')}: stack ${artifactId} names no templateFile`);
      }
      const template = readJson(path.join(directory, templateFile), path.join(shown, templateFile)) as CfnTemplate;
      if (typeof template !== 'object' || template === null || Array.isArray(template)) {
        throw new AssemblyError(`${path.join(shown, templateFile)} is not a CloudFormation template (a JSON object)`);
      }
      if (template.Resources !== undefined && !isObject(template.Resources)) {
        throw new AssemblyError(`${path.join(shown, templateFile)}: Resources is not an object`);
      }
      for (const [id, resource] of Object.entries(template.Resources ?? {})) {
        if (!isObject(resource) || typeof resource.Type !== 'string' || (resource.Properties !== undefined && !isObject(resource.Properties))) {
          throw new AssemblyError(`${path.join(shown, templateFile)}: resource ${id} is not a resource (an object with a Type and object Properties)`);
        }
      }
      stacks.push({
        artifactId,
        stackName: artifact.properties?.stackName ?? artifactId,
        displayName: artifact.displayName ?? artifactId,
        templateFile: path.join(shown, templateFile),
        template,
      });
    } else if (artifact.type === 'cdk:cloud-assembly') {
      const nested = artifact.properties?.directoryName;
      if (typeof nested !== 'string') {
        throw new AssemblyError(`${path.join(shown, 'manifest.json')}: nested assembly ${artifactId} names no directoryName`);
      }
      readInto(path.join(directory, nested), path.join(shown, nested), stacks, seen);
    }
  }
}

function readJson(file: string, shown: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    throw new AssemblyError(`cannot read ${shown}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AssemblyError(`${shown} is not valid JSON: ${(e as Error).message}`);
  }
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
