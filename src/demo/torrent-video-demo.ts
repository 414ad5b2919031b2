// The demo page's only script: copies ?src= / ?announce= / ?ice= onto the element and logs its events.
// It uses the element purely through its attributes and DOM events, as any page would.

const player = document.getElementById('player')
const form = document.getElementById('source-form') as HTMLFormElement | null
const input = document.getElementById('source-input') as HTMLInputElement | null
const log = document.getElementById('log')
if (!player || !form || !input || !log) throw new Error('torrent-video.html is missing #player, #source-form, #source-input or #log.')

const params = new URLSearchParams(location.search)
for (const name of ['announce', 'ice']) {
  const value = params.getAll(name).join(' ')
  if (value) player.setAttribute(name, value)
}

form.addEventListener('submit', (event) => {
  event.preventDefault()
  const src = input.value.trim()
  if (src) player.setAttribute('src', src)
})

const initial = params.get('src')
if (initial) {
  input.value = initial
  player.setAttribute('src', initial)
}

for (const type of ['ready', 'playing', 'error']) {
  player.addEventListener(type, (event) => {
    const detail = (event as CustomEvent<unknown>).detail
    const text = detail instanceof Error ? detail.message : JSON.stringify(detail, (key, value) => (key === 'files' ? undefined : value))
    log.textContent = `${type}: ${text}\n${log.textContent ?? ''}`.slice(0, 4000)
  })
}
