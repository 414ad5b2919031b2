import { afterEach } from 'vitest'
import { SwarmLab } from './swarm-lab.ts'

/** A new SwarmLab per call, all destroyed after each test. */
export function testLabs(): () => SwarmLab {
  const labs: SwarmLab[] = []
  afterEach(async () => {
    await Promise.all(labs.splice(0).map((l) => l.destroy()))
  })
  return () => {
    const lab = new SwarmLab()
    labs.push(lab)
    return lab
  }
}
