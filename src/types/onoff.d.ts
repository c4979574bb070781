/** The part of onoff 6 (sysfs GPIO; optional, native via epoll) the GPIO adapters use. */
declare module 'onoff' {
  export type BinaryValue = 0 | 1;
  export type Direction = 'in' | 'out' | 'high' | 'low';
  export type Edge = 'none' | 'rising' | 'falling' | 'both';
  export interface Options {
    debounceTimeout?: number;
    activeLow?: boolean;
    reconfigureDirection?: boolean;
  }
  export class Gpio {
    constructor(gpio: number, direction: Direction, edge?: Edge, options?: Options);
    static readonly accessible: boolean;
    static readonly HIGH: BinaryValue;
    static readonly LOW: BinaryValue;
    readSync(): BinaryValue;
    writeSync(value: BinaryValue): void;
    watch(callback: (err: Error | null | undefined, value: BinaryValue) => void): void;
    unwatchAll(): void;
    unexport(): void;
  }
}
