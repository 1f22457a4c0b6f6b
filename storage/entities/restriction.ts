import { EntitySchema } from 'typeorm';

/** One row per person who restricted processing (UU 27/2022 Pasal 11, 41); migration 0009. */
export interface RestrictionRow {
  personId: string;
  restrictedAt: string;
  restrictedBy: string;
}

export const RestrictionSchema = new EntitySchema<RestrictionRow>({
  name: 'ProcessingRestriction', tableName: 'processing_restrictions',
  columns: {
    personId: { type: 'text', primary: true, name: 'person_id' },
    restrictedAt: { type: 'text', name: 'restricted_at' },
    restrictedBy: { type: 'text', name: 'restricted_by' },
  },
});
