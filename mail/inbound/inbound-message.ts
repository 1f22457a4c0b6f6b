/** A received mail reduced to what the desk reads; built by parse-message.ts from the raw bytes. */
export interface InboundAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

export interface InboundMessage {
  /** Deduplication key: the Message-ID, or a SHA-256 of normalised headers and body when there is none. */
  readonly key: string;
  readonly messageId: string | null;
  /** The From address, lowercased; null when missing or unparseable. */
  readonly from: string | null;
  readonly subject: string;
  readonly text: string;
  /** Lowercased header name → every value, topmost first. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly contentType: string;
  readonly returnPath: string | null;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly attachments: readonly InboundAttachment[];
  /** The message as received, archived encrypted in the vault. */
  readonly raw: Buffer;
  /** SHA-256 (hex) of `raw`: the evidence audit rows cite. */
  readonly sha256: string;
}
