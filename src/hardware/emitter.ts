/**
 * The typed event surface every port exposes. Adapters extend node's EventEmitter<T>,
 * which satisfies it; the flow runner only needs on/off.
 */
export interface PortEvents<T extends Record<keyof T, unknown[]>> {
  on<K extends keyof T & string>(event: K, listener: (...args: T[K]) => void): unknown;
  off<K extends keyof T & string>(event: K, listener: (...args: T[K]) => void): unknown;
}
