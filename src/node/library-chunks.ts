// How the library build splits: the core (dist/swarmstream.js) plus one sibling module per lazy seam
// (a dynamic import in the core). Everything reachable only through a seam goes to that seam's
// sibling; what two seams share goes to the first one listed.
import type { Rolldown } from 'vite'

type Group = Rolldown.CodeSplittingGroup
type Context = Rolldown.ChunkingContext

export interface Seam {
  /** The sibling's chunk name (its file: `swarmstream-<name>-<hash>.js`). */
  name: string
  /** Matches the module id that the core imports dynamically. */
  root: RegExp
}

/** The part of the core that siblings use too: its own chunk, so the entry exports only the public API. */
export const SHARED = 'shared'

/**
 * codeSplitting groups: the core modules that siblings import (SHARED), then one group per seam with
 * every module only the core's lazy imports reach. The rest of the core stays in the entry.
 */
export function seamGroups(entry: string, seams: readonly Seam[]): Group[] {
  const plans = new WeakMap<Context, Map<string, string>>()
  const planFor = (ctx: Context) => {
    let plan = plans.get(ctx)
    if (!plan) plans.set(ctx, (plan = planSeams(entry, seams, ctx)))
    return plan
  }
  return [SHARED, ...seams.map((s) => s.name)].map((name, i, all) => ({
    name: (id: string, ctx: Context) => (planFor(ctx).get(id) === name ? name : null),
    debugName: name,
    priority: all.length - i,
  }))
}

function planSeams(entry: string, seams: readonly Seam[], ctx: Context): Map<string, string> {
  const info = (id: string) => ctx.getModuleInfo(id)
  const core = closure([entry], (id) => info(id)?.importedIds ?? [])
  const roots = new Map<string, string[]>(seams.map((s) => [s.name, []]))
  for (const id of core) {
    for (const target of info(id)?.dynamicallyImportedIds ?? []) {
      if (core.has(target)) continue
      const seam = seams.find((s) => s.root.test(target))
      if (!seam) throw new Error(`${id} imports ${target} lazily, but no sibling module is declared for it (vite.config.ts).`)
      roots.get(seam.name)!.push(target)
    }
  }
  const plan = new Map<string, string>()
  for (const seam of seams) {
    // A core module's own lazy imports are seams of their own, not part of this one.
    const next = (id: string) => [...(info(id)?.importedIds ?? []), ...(core.has(id) ? [] : (info(id)?.dynamicallyImportedIds ?? []))]
    const reached = closure(roots.get(seam.name)!, next)
    for (const id of reached) if (!plan.has(id)) plan.set(id, core.has(id) ? SHARED : seam.name)
  }
  return plan
}

function closure(start: readonly string[], next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>()
  const stack = [...start]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (seen.has(id)) continue
    seen.add(id)
    stack.push(...next(id))
  }
  return seen
}
