import type { Params } from '../shared/result.ts';
import { checkFileType, type MediaType } from '../documents/file-type.ts';
import type { DocumentKind } from '../documents/document-kind.ts';

export interface IncomingDocument {
  readonly kind: DocumentKind;
  /** As the sender named it; only used to tell them which file was refused. */
  readonly filename: string;
  readonly bytes: Uint8Array;
}

export interface AcceptedDocument {
  readonly kind: DocumentKind;
  readonly bytes: Uint8Array;
  readonly mediaType: MediaType;
}

export interface RefusedDocument {
  readonly filename: string;
  readonly code: string;
  readonly params: Params;
}

/** Splits what arrived into files whose bytes are an accepted type and files refused, each with its reason. */
export function sortIncomingDocuments(docs: readonly IncomingDocument[], maxBytes: number): { accepted: AcceptedDocument[]; refused: RefusedDocument[] } {
  const accepted: AcceptedDocument[] = [];
  const refused: RefusedDocument[] = [];
  for (const doc of docs) {
    const type = checkFileType(doc.bytes, { maxBytes });
    if (type.ok) accepted.push({ kind: doc.kind, bytes: doc.bytes, mediaType: type.value.mediaType });
    else refused.push({ filename: doc.filename, code: type.code, params: type.params });
  }
  return { accepted, refused };
}
