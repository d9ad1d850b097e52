/** The response headers that make a page cross-origin isolated. */
export declare const ISOLATION_HEADERS: Record<string, string>;
/** A `_headers` file applying them to every path of a static site. */
export declare function headersFile(): string;
