/** The part of ipp 2.0 (pure-JS IPP/2.0 client, no types of its own) the CUPS printer uses. */
declare module 'ipp' {
  export type IppMessage = Record<string, unknown> & { data?: Buffer };
  export type IppResponse = Record<string, Record<string, unknown> | string | number | undefined> & {
    statusCode: string;
  };
  export interface IppPrinter {
    execute(
      operation: string,
      message: IppMessage,
      callback: (err: Error | null, res: IppResponse) => void,
    ): void;
  }
  export function Printer(url: string, opts?: { uri?: string }): IppPrinter;
  const ipp: { Printer: typeof Printer };
  export default ipp;
}
