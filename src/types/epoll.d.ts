/** The part of `epoll` 4.x (native, Linux only; installed with onoff) the input adapters use. */
declare module 'epoll' {
  export class Epoll {
    static readonly EPOLLIN: number;
    static readonly EPOLLPRI: number;
    constructor(callback: (err: Error | null, fd: number, events: number) => void);
    add(fd: number, events: number): this;
    remove(fd: number): this;
    close(): this;
  }
}
