/** Writes a scenario's figures (JSON), its page (Markdown) and its plots (SVG) under docs/sim. */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ScenarioOutput } from './scenario.ts'

/** The deterministic part of an output: what `--check` compares run after run. */
export function figuresJson(o: ScenarioOutput): string {
  return `${JSON.stringify({ title: o.title, params: o.params, figures: o.figures, targets: o.targets, run: o.run }, null, 2)}\n`
}

export function page(o: ScenarioOutput, command: string): string {
  const lines = [`# ${o.title}`, '', `Made by \`${command}\` (seed ${String(o.params['seed'])}); figures in [figures.json](figures.json).`, '']
  if (o.targets.length > 0) {
    lines.push('## Targets', '', '| figure | value | target | met |', '|---|---|---|---|')
    for (const t of o.targets) lines.push(`| ${t.figure} | ${t.value} | ${t.target} | ${t.met ? 'yes' : '**no**'} |`)
    lines.push('')
  }
  lines.push('## Figures', '')
  for (const t of o.tables) lines.push(t, '')
  for (const p of o.plots) lines.push(`![${p.caption}](${p.file})`, '', `*${p.caption}*`, '')
  const s = o.speed
  lines.push(
    '## Run',
    '',
    `${o.run.virtualSeconds} s of virtual time${o.run.timedOut ? ' (**stopped at the time limit**)' : ''}, ${o.run.events.toLocaleString('en')} timer events in ${o.run.ticks.toLocaleString('en')} instants; event-log digest \`${o.run.digest}\`.`,
    `Speed on the machine that wrote this page: ${s.wallSeconds.toFixed(1)} s wall, ${s.cpuSeconds.toFixed(1)} s CPU, ${s.simPerWall.toFixed(2)} simulated seconds per wall second (${s.simPerCpu.toFixed(2)} per CPU second).`,
    '',
  )
  return lines.join('\n')
}

export async function writeOutput(o: ScenarioOutput, root: string, command: string): Promise<string> {
  const dir = join(root, o.path)
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'figures.json'), figuresJson(o))
  await writeFile(join(dir, 'README.md'), page(o, command))
  for (const p of o.plots) await writeFile(join(dir, p.file), p.svg)
  return dir
}

/** The figures.json already written for this output (null when there is none). */
export async function previousFigures(o: ScenarioOutput, root: string): Promise<string | null> {
  try {
    return await readFile(join(root, o.path, 'figures.json'), 'utf8')
  } catch {
    return null
  }
}
