/**
 * The import-direction check (issue #12, README "Layout"): data flows down only.
 * Reads every .ts file under <root>/src and <root>/devhost with the TypeScript
 * parser (import/export-from, `import x = require()`, `require()`,
 * `require.resolve()`, `import()` and `import('x').T` types) and reports each
 * import that breaks a rule, naming the file, the line, the import and the rule.
 *
 * Type-only imports (`import type`, `export type`, all-type specifiers,
 * `import('x').T`) are erased by tsc, so they can neither bring I/O into the
 * model nor ship a devDependency; they still count for the direction rules
 * (a layer that names another layer's types depends on it), with one
 * documented exception: src/model may name the request types declared in
 * src/schemas (the JSON Schemas are the one source of those shapes).
 *
 * CLI: `node dist-dev/tools/check-layers.js [root]` (npm run check:layers) prints
 * the violations and exits 1 when an enforced rule is broken; pending rules
 * (see PENDING) are printed as a to-do list and do not fail the run.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportRef {
  /** Root-relative path of the importing file, `/`-separated. */
  file: string;
  line: number;
  specifier: string;
  typeOnly: boolean;
  /** For a relative specifier: the root-relative target without extension (`src/model/cost`); undefined for packages. */
  target?: string;
  /** For a bare specifier: the package (`@azure/functions`, `node:fs` → `fs`). */
  packageName?: string;
  builtin: boolean;
}

export interface Rule {
  id: string;
  /** The rule in words (README "Layout"). */
  text: string;
  /** Folder (root-relative, `/`-separated) whose files the rule constrains. */
  from: string;
  /** The reason the import breaks the rule, or undefined when it does not. */
  breaks(imp: ImportRef, ctx: RuleContext): string | undefined;
}

export interface RuleContext {
  /** package.json `dependencies` of the root (what is installed in production). */
  dependencies: ReadonlySet<string>;
}

export interface Violation {
  rule: string;
  file: string;
  line: number;
  specifier: string;
  reason: string;
}

export interface LayerReport {
  filesChecked: number;
  /** Broken enforced rules: must be empty. */
  violations: Violation[];
  /** Broken rules listed in `pending`: reported as a to-do list, not enforced. */
  pending: Violation[];
}

/** Node built-ins that do no I/O and read nothing of the machine: the only ones src/model may use. */
export const PURE_BUILTINS: ReadonlySet<string> = new Set(['assert', 'buffer', 'crypto', 'events', 'path', 'querystring', 'string_decoder', 'url', 'util']);

const BUILTINS = new Set(builtinModules.map((m) => m.replace(/^node:/, '')));

const under = (path: string | undefined, folder: string): boolean => path !== undefined && (path === folder || path.startsWith(`${folder}/`));

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; `node:fs/promises` → `fs/promises`. */
export function packageOf(specifier: string): { name: string; builtin: boolean } {
  if (specifier.startsWith('node:')) return { name: specifier.slice(5), builtin: true };
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
  return { name, builtin: BUILTINS.has(specifier) || BUILTINS.has(name) };
}

const forbidFolders =
  (folders: readonly string[], why: string) =>
  (imp: ImportRef): string | undefined => {
    const hit = folders.find((f) => under(imp.target, f));
    return hit ? `imports ${hit}/ (${why})` : undefined;
  };

export const RULES: readonly Rule[] = [
  {
    id: 'src-no-dev-code',
    text: 'Nothing in src imports devhost/, test/, bench/ or tools/ (they are never shipped).',
    from: 'src',
    breaks: forbidFolders(['devhost', 'test', 'bench', 'tools'], 'development code is not deployed'),
  },
  {
    id: 'src-shipped-packages',
    text: 'src imports (at run time) only node built-ins and packages in package.json "dependencies"; devDependencies are not installed in Azure.',
    from: 'src',
    breaks: (imp, ctx) =>
      imp.packageName !== undefined && !imp.builtin && !imp.typeOnly && !ctx.dependencies.has(imp.packageName)
        ? `'${imp.packageName}' is not in package.json "dependencies"`
        : undefined,
  },
  {
    id: 'model-no-io',
    text: `src/model uses no node built-in that does I/O (only ${[...PURE_BUILTINS].join(', ')}), no SDK (@azure/*), no ajv.`,
    from: 'src/model',
    breaks: (imp) => {
      const p = imp.packageName;
      if (p === undefined) return undefined;
      if (imp.builtin && !PURE_BUILTINS.has(p.split('/')[0] ?? p)) return `node built-in '${p}' does I/O or reads the machine`;
      if (p.startsWith('@azure/')) return `SDK '${p}' in the pure model`;
      if (p === 'ajv' || p.startsWith('ajv-')) return `validation ('${p}') belongs to src/http`;
      return undefined;
    },
  },
  {
    id: 'model-only-model',
    text: 'src/model imports only src/model (catalog data is passed in); type-only imports of the request types in src/schemas are allowed.',
    from: 'src/model',
    breaks: (imp) => {
      if (imp.target === undefined || under(imp.target, 'src/model')) return undefined;
      if (imp.typeOnly && under(imp.target, 'src/schemas')) return undefined;
      return `imports ${imp.target} from outside src/model`;
    },
  },
  {
    id: 'app-no-adapters',
    text: 'src/app imports neither src/azure, src/solver (adapters), src/functions, src/http (bindings) nor the composition root: use cases get their ports as arguments.',
    from: 'src/app',
    breaks: forbidFolders(['src/azure', 'src/solver', 'src/functions', 'src/http', 'src/composition', 'src/services'], 'use cases take their ports as explicit dependencies'),
  },
  {
    id: 'adapters-no-bindings',
    text: 'src/azure (adapters) imports neither src/functions nor src/http.',
    from: 'src/azure',
    breaks: forbidFolders(['src/functions', 'src/http'], 'adapters sit below the bindings'),
  },
  {
    id: 'solver-no-bindings',
    text: 'src/solver (the solver adapter) imports neither src/functions nor src/http.',
    from: 'src/solver',
    breaks: forbidFolders(['src/functions', 'src/http'], 'adapters sit below the bindings'),
  },
  {
    id: 'functions-no-azure',
    text: 'src/functions never imports src/azure directly (it calls use cases in src/app; adapters come from src/composition).',
    from: 'src/functions',
    breaks: forbidFolders(['src/azure'], 'bindings reach adapters through the use cases and the composition root'),
  },
  {
    id: 'devhost-no-tests',
    text: 'devhost/ imports neither test/ nor bench/ (tests and benchmarks use the dev host, not the other way round).',
    from: 'devhost',
    breaks: forbidFolders(['test', 'bench'], 'the dev host must run without the tests'),
  },
];

/**
 * Rules that do not hold yet, each with what is left to do. They are checked
 * and reported on every run; the test fails once a pending rule holds, so it
 * is moved to the enforced set instead of staying silently lenient.
 */
export const PENDING: Readonly<Record<string, string>> = {
};

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
}

const toPosix = (p: string): string => p.split(sep).join('/');

/** Every import of one source file. */
export function importsOf(root: string, absFile: string, text: string = readFileSync(absFile, 'utf8')): ImportRef[] {
  const file = toPosix(relative(root, absFile));
  const sf = ts.createSourceFile(absFile, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const add = (spec: ts.Node | undefined, typeOnly: boolean): void => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    const specifier = spec.text;
    const line = sf.getLineAndCharacterOfPosition(spec.getStart(sf)).line + 1;
    if (specifier.startsWith('.')) {
      const abs = resolve(dirname(absFile), specifier.replace(/\.(js|ts)$/, ''));
      out.push({ file, line, specifier, typeOnly, target: toPosix(relative(root, abs)), builtin: false });
    } else {
      const { name, builtin } = packageOf(specifier);
      out.push({ file, line, specifier, typeOnly, packageName: name, builtin });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const allTypes =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined && c.namedBindings !== undefined && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, allTypes);
    } else if (ts.isExportDeclaration(node)) {
      const allTypes = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier, allTypes);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    } else if (ts.isCallExpression(node)) {
      const e = node.expression;
      const isImport = e.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(e) && e.text === 'require';
      const isResolve = ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'require' && e.name.text === 'resolve';
      if (isImport || isRequire || isResolve) add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function dependenciesOf(root: string): Set<string> {
  const pkg = join(root, 'package.json');
  if (!existsSync(pkg)) return new Set();
  const json = JSON.parse(readFileSync(pkg, 'utf8')) as { dependencies?: Record<string, string> };
  return new Set(Object.keys(json.dependencies ?? {}));
}

export function checkLayers(root: string, opts: { rules?: readonly Rule[]; pending?: Readonly<Record<string, string>> } = {}): LayerReport {
  const rules = opts.rules ?? RULES;
  const pendingIds = opts.pending ?? PENDING;
  const ctx: RuleContext = { dependencies: dependenciesOf(root) };
  const files: string[] = [];
  for (const top of new Set(rules.map((r) => r.from.split('/')[0] ?? r.from))) walk(join(root, top), files);
  const report: LayerReport = { filesChecked: files.length, violations: [], pending: [] };
  for (const abs of files.sort()) {
    for (const imp of importsOf(root, abs)) {
      for (const rule of rules) {
        if (!under(imp.file, rule.from)) continue;
        const reason = rule.breaks(imp, ctx);
        if (reason === undefined) continue;
        const v: Violation = { rule: rule.id, file: imp.file, line: imp.line, specifier: imp.specifier, reason };
        (pendingIds[rule.id] !== undefined ? report.pending : report.violations).push(v);
      }
    }
  }
  return report;
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}: import '${v.specifier}' breaks ${v.rule}: ${v.reason}`;
}

if (require.main === module) {
  // dist-dev/tools/check-layers.js → the repo root is two levels up; or pass it.
  const root = resolve(process.argv[2] ?? join(__dirname, '..', '..'));
  const r = checkLayers(root);
  for (const v of r.violations) console.log(formatViolation(v));
  for (const [id, todo] of Object.entries(PENDING)) {
    const left = r.pending.filter((v) => v.rule === id);
    console.log(`pending ${id} (${left.length} imports): ${todo}`);
    for (const v of left) console.log(`  ${formatViolation(v)}`);
  }
  console.log(`${r.filesChecked} files checked, ${r.violations.length} violations of enforced rules, ${r.pending.length} of pending rules`);
  process.exitCode = r.violations.length > 0 ? 1 : 0;
}
