import { PLANTED_DATE, SECRET } from './oracle-values.ts'
import type { ReadCounter, Recipe } from './oracle-values.ts'

/** A live value built from a recipe, with a counter for every getter, Proxy trap and toJSON() in it. */
export interface Materialized {
  value: unknown
  counters: ReadCounter[]
}

/** Answers the first read with the value and every later read with the secret. */
function once (counter: ReadCounter, value: unknown): () => unknown {
  return () => ++counter.count === 1 ? value : SECRET
}

class Account {}

function buildObject (recipe: Extract<Recipe, { t: 'object' }>, counters: ReadCounter[], path: string, must: boolean): object {
  // a class instance: its declared getters and an undeclared secret one live on its own prototype
  const proto = recipe.klass ? Object.create(Account.prototype) : null
  const target: Record<string, unknown> = recipe.klass ? Object.create(proto) : {}
  if (proto !== null) Object.defineProperty(proto, 'internalToken', { get: () => SECRET, enumerable: true })
  for (const [key, child, how] of recipe.entries) {
    // what a prototype getter answers is read only if the model reads that name
    const value = build(child, counters, `${path}.${key}`, must && (how === 'own' || !recipe.klass))
    if (how === 'own') {
      target[key] = value
      continue
    }
    const counter = { label: `getter ${path}.${key}`, count: 0, mustRun: must && !recipe.klass }
    counters.push(counter)
    Object.defineProperty(proto ?? target, key, { get: once(counter, value), enumerable: true, configurable: true })
  }
  for (const [key, child] of recipe.extra) target[key] = build(child, counters, `${path}.${key}`, must)
  if (!recipe.proxy) return target
  const traps = new Map(recipe.entries.map(([key, , how]) => {
    const counter = { label: `Proxy get ${path}.${key}`, count: 0, mustRun: must && (!recipe.klass || how === 'own') }
    counters.push(counter)
    return [key, counter]
  }))
  return new Proxy(target, {
    get (object, key, receiver) {
      const counter = typeof key === 'string' ? traps.get(key) : undefined
      if (counter !== undefined) counter.count++
      return Reflect.get(object, key, receiver)
    }
  })
}

function buildDate (recipe: Extract<Recipe, { t: 'date' }>): Date {
  if (recipe.twist === 'invalid') return new Date(Number.NaN)
  if (recipe.twist === 'subclass') {
    class PlantedDate extends Date {
      override toISOString (): string { return PLANTED_DATE }
      override toJSON (): string { return PLANTED_DATE }
      override toString (): string { return SECRET }
    }
    return new PlantedDate(recipe.ms)
  }
  const date = new Date(recipe.ms)
  if (recipe.twist === 'ownToISOString') date.toISOString = () => PLANTED_DATE
  if (recipe.twist === 'ownToJSON') date.toJSON = () => PLANTED_DATE
  return date
}

function build (recipe: Recipe, counters: ReadCounter[], path: string, must: boolean): unknown {
  switch (recipe.t) {
    case 'json': return structuredClone(recipe.v)
    case 'object': return buildObject(recipe, counters, path, must)
    case 'array': {
      const items = recipe.items.map((item, index) => build(item, counters, `${path}[${index}]`, must))
      const array = new Array(items.length + recipe.holes.length)
      // holes at the given slots, the items in the others, in order
      const holes = new Set(recipe.holes.map(hole => hole % array.length))
      let next = 0
      for (let index = 0; index < array.length && next < items.length; index++) if (!holes.has(index)) array[index] = items[next++]
      return array
    }
    case 'toJSON': {
      const counter = { label: `toJSON ${path}`, count: 0, mustRun: must }
      counters.push(counter)
      const result = build(recipe.result, counters, `${path}.toJSON()`, must)
      return { secret: SECRET, toJSON: once(counter, result), toString: () => SECRET, valueOf: () => SECRET }
    }
    case 'arrayToJSON': {
      const counter = { label: `toJSON ${path}`, count: 0, mustRun: must }
      counters.push(counter)
      const result = build(recipe.result, counters, `${path}.toJSON()`, must)
      return Object.assign(new Array(recipe.hidden).fill(SECRET), { toJSON: once(counter, result) })
    }
    case 'stringish': return { toString: () => SECRET, valueOf: () => SECRET }
    // eslint-disable-next-line no-new-wrappers
    case 'boxedBoolean': return new Boolean(recipe.v)
    case 'numberish': return { valueOf: () => recipe.n, toString: () => SECRET }
    case 'date': return buildDate(recipe)
    case 'momentish': return { _isAMomentObject: true, toISOString: () => 'Invalid date', toString: () => `card ${SECRET}`, format: () => SECRET }
  }
}

/** Builds a fresh live value from a recipe. */
export function materialize (recipe: Recipe): Materialized {
  const counters: ReadCounter[] = []
  return { value: build(recipe, counters, '$', true), counters }
}
