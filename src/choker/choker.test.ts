import { describe, expect, it } from 'vitest'
import { CATCH_UP_SLOTS, Choker, MAX_UNCHOKE_SLOTS, SLOT_RATE, UNCHOKE_SLOTS, type ChokerPeer } from './choker.ts'

function peers(rates: number[], interested = true): ChokerPeer[] {
  return rates.map((r, i) => ({ id: `p${i}`, interested, downloadRate: r, uploadRate: 100 - r }))
}

describe('Choker', () => {
  it('unchokes the four peers that give us the most, plus one optimistic', () => {
    const choker = new Choker({ random: () => 0 })
    const set = choker.rechoke(peers([5, 50, 10, 40, 30, 20, 1]), 0, false)
    expect(set.size).toBe(5)
    for (const id of ['p1', 'p3', 'p4', 'p5']) expect(set.has(id)).toBe(true)
    expect(['p0', 'p2', 'p6']).toContain(choker.optimistic)
  })

  it('keeps the optimistic unchoke for 30 s, then rotates it', () => {
    let r = 0
    const choker = new Choker({ random: () => r })
    const list = peers([5, 50, 10, 40, 30, 20, 1])
    choker.rechoke(list, 0, false)
    const first = choker.optimistic
    r = 0.99
    choker.rechoke(list, 10_000, false)
    expect(choker.optimistic).toBe(first)
    choker.rechoke(list, 30_000, false)
    expect(choker.optimistic).not.toBe(first)
  })

  it('rotates the optimistic unchoke through every waiting peer before any gets a second turn', () => {
    // The same random draw each time: an order by chance alone would pick the same peer again.
    const choker = new Choker({ random: () => 0 })
    const list = peers([5, 50, 10, 40, 30, 20, 1])
    const turns: (string | null)[] = []
    for (let t = 0; t < 4; t++) {
      choker.rechoke(list, t * 30_000, false)
      turns.push(choker.optimistic)
    }
    expect(new Set(turns.slice(0, 3))).toEqual(new Set(['p0', 'p2', 'p6']))
    expect(turns[3]).toBe(turns[0])
  })

  it('gives a newcomer the next optimistic turn before peers that had one', () => {
    const choker = new Choker({ random: () => 0 })
    const list = peers([5, 50, 10, 40, 30, 20, 1])
    for (let t = 0; t < 3; t++) choker.rechoke(list, t * 30_000, false)
    const newcomer = { id: 'late', interested: true, downloadRate: 0, uploadRate: 0 }
    choker.rechoke([...list, newcomer], 90_000, false)
    expect(choker.optimistic).toBe('late')
  })

  it('forgets the turns of peers that left: one that comes back counts as a newcomer', () => {
    const choker = new Choker({ random: () => 0 })
    const list = peers([5, 50, 10, 40, 30, 20, 1])
    const turns: string[] = []
    for (let t = 0; t < 3; t++) {
      choker.rechoke(list, t * 30_000, false)
      turns.push(choker.optimistic!)
    }
    // The peer holding the turn leaves: the turn moves on at once, to the peer whose turn is oldest.
    const gone = turns[2]!
    choker.rechoke(list.filter((p) => p.id !== gone), 75_000, false)
    expect(choker.optimistic).toBe(turns[0])
    // Back at the next rotation, it goes before the peer whose last turn is oldest (turns[1], at 30 s).
    choker.rechoke(list, 105_000, false)
    expect(choker.optimistic).toBe(gone)
  })

  it('seeding while masking, unchokes the peers that pass our pieces on fastest; one not yet timed ranks with the median', () => {
    const list = peers([0, 0, 0, 0, 0, 0, 0]).map((p, i) => ({ ...p, uploadRate: 10 * i }))
    const passOn = [30, 900, 40, NaN, 800, 700, 50]
    list.forEach((p, i) => (p.passOnMs = passOn[i]))
    const choker = new Choker({ random: () => 0 })
    const set = choker.rechoke(list, 0, true)
    // Timed: 30, 40, 50, 700, 800, 900 → median 700; p3 (untimed) ties with p5 at 700 and has less upload rate.
    const regular = [...set].filter((id) => id !== choker.optimistic)
    expect(regular.sort()).toEqual(['p0', 'p2', 'p5', 'p6'])
    // Downloading, pass-on times play no part.
    const down = new Choker({ random: () => 0 }).rechoke(list.map((p, i) => ({ ...p, downloadRate: i })), 0, false)
    for (const id of ['p6', 'p5', 'p4', 'p3']) expect(down.has(id)).toBe(true)
  })

  it('ranks by upload rate when seeding and ignores peers that are not interested', () => {
    const choker = new Choker({ random: () => 0 })
    const list = peers([90, 80, 70, 60, 10, 5])
    list[0]!.interested = false
    const set = choker.rechoke(list, 0, true)
    expect(set.has('p0')).toBe(false)
    for (const id of ['p5', 'p4', 'p3', 'p2']) expect(set.has(id)).toBe(true)
  })

  it('gives a peer that owes us (pieces we want, none sent for 20 s) only the optimistic slot, even with regular slots free', () => {
    const list = peers([0, 0, 30])
    list[0]!.owes = true
    list[1]!.owes = true
    const choker = new Choker({ random: () => 0 })
    const set = choker.rechoke(list, 0, false)
    expect(set.has('p2')).toBe(true)
    expect(set.size).toBe(2)
    expect(['p0', 'p1']).toContain(choker.optimistic)
    // Seeding, owing (never passing our pieces on) ranks last: with slots to spare, everyone is unchoked.
    expect(new Choker().rechoke(list, 0, true).size).toBe(3)
  })

  it('seeding, ranks a peer that owes us (never passes our pieces on) after every other, whatever its rate', () => {
    const list = peers([50, 40, 30, 20, 10, 5, 1])
    list[0]!.owes = true
    list[1]!.owes = true
    // Both owing peers get the uploadRate: the fastest flows.
    for (const p of list) p.uploadRate = p.downloadRate
    const choker = new Choker({ random: () => 0 })
    const set = choker.rechoke(list, 0, true)
    for (const id of ['p2', 'p3', 'p4', 'p5']) expect(set.has(id)).toBe(true)
    expect(set.has('p0')).toBe(false)
    expect(set.has('p1')).toBe(false)
    expect(choker.optimistic).toBe('p6')
  })

  it('gives the optimistic slot to a peer that does not owe us while there is one, else to one that does', () => {
    const list = peers([0, 0, 30, 20, 10, 5])
    list[0]!.owes = true
    for (let r = 0; r < 1; r += 0.1) {
      const choker = new Choker({ random: () => r })
      choker.rechoke(list, 0, false)
      expect(choker.optimistic).toBe('p1')
    }
    list[1]!.owes = true
    const choker = new Choker({ random: () => 0.99 })
    choker.rechoke(list, 0, false)
    expect(['p0', 'p1']).toContain(choker.optimistic)
  })

  it('ends the optimistic turn of a peer that came to owe us while a peer that does not waits', () => {
    const list = peers([0, 0, 30, 20, 10, 5])
    const choker = new Choker({ random: () => 0 })
    choker.rechoke(list, 0, false)
    const first = list.find((p) => p.id === choker.optimistic)!
    first.owes = true
    choker.rechoke(list, 5_000, false)
    const second = choker.optimistic
    expect(second).not.toBe(first.id)
    // With nobody fair left waiting, a peer that owes us keeps its turn.
    list.find((p) => p.id === second)!.owes = true
    choker.rechoke(list, 10_000, false)
    expect(choker.optimistic).toBe(second)
  })

  it('downloading, also unchokes the interested peers furthest behind us that do not owe us', () => {
    const list = peers([50, 40, 30, 20, 0, 0, 0, 0, 0])
    const behind = [0, 0, 0, 0, 10, 300, 200, 500, -5]
    list.forEach((p, i) => (p.behind = behind[i]))
    list[7]!.owes = true
    const choker = new Choker({ random: () => 0 })
    const set = choker.rechoke(list, 0, false)
    expect(CATCH_UP_SLOTS).toBe(2)
    // Four by rate, p5 and p6 furthest behind (p7, further still, owes us), then the optimistic turn.
    for (const id of ['p0', 'p1', 'p2', 'p3', 'p5', 'p6']) expect(set.has(id)).toBe(true)
    expect(set.size).toBe(UNCHOKE_SLOTS + CATCH_UP_SLOTS + 1)
    expect(['p4', 'p8']).toContain(choker.optimistic)
    // Seeding, nobody is behind a seeder in this sense: no extra slots.
    expect(new Choker({ random: () => 0 }).rechoke(list, 0, true).size).toBe(UNCHOKE_SLOTS + 1)
  })

  it('between rechokes, gives a newly interested peer further behind than a catch-up peer a catch-up slot at once, CATCH_UP_SLOTS at most', () => {
    const list = peers([50, 40, 30, 20, 0, 0])
    list.forEach((p, i) => (p.behind = [0, 0, 0, 0, 300, 200][i]))
    const choker = new Choker({ random: () => 0 })
    // Before any rechoke with catch-up peers, anyone behind us qualifies.
    expect(new Choker().catchUpNow(1)).toBe(true)
    choker.rechoke(list, 0, false)
    // The catch-up peers are 300 and 200 behind: a newcomer must be further behind than 200.
    expect(choker.catchUpNow(200)).toBe(false)
    expect(choker.catchUpNow(0)).toBe(false)
    expect(choker.catchUpNow(201)).toBe(true)
    expect(choker.catchUpNow(900)).toBe(true)
    expect(choker.catchUpNow(900)).toBe(false)
    // The next rechoke gives them again.
    choker.rechoke(list, 5_000, false)
    expect(choker.catchUpNow(900)).toBe(true)
  })

  it('gives a fast uplink a regular slot per SLOT_RATE it uploads, between UNCHOKE_SLOTS and MAX_UNCHOKE_SLOTS', () => {
    const list = (n: number, up: number) => Array.from({ length: n }, (_, i) => ({ id: `p${i}`, interested: true, downloadRate: 1000 + i, uploadRate: up }))
    const choker = new Choker({ random: () => 0 })
    // 12 interested peers, each getting 1 MB/s from us: 12 MB/s, 12 regular slots (all of them).
    expect(choker.rechoke(list(12, SLOT_RATE), 0, false).size).toBe(12)
    // A slow uplink keeps the four slots and the optimistic one.
    expect(new Choker({ random: () => 0 }).rechoke(list(12, SLOT_RATE / 10), 0, false).size).toBe(UNCHOKE_SLOTS + 1)
    // Never more than MAX_UNCHOKE_SLOTS regular slots.
    expect(new Choker({ random: () => 0 }).rechoke(list(40, SLOT_RATE), 0, false).size).toBe(MAX_UNCHOKE_SLOTS + 1)
  })

  it('unchokes everyone interested when there are few peers', () => {
    const set = new Choker().rechoke(peers([1, 2]), 0, false)
    expect([...set].sort()).toEqual(['p0', 'p1'])
  })
})
