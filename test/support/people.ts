/** Sample people whose NIK and NIP agree on birth date and gender (Kota Pontianak region codes). */
export const PEOPLE = {
  andi: { nip: '198503122010011002', nik: '6171011203850003', name: 'Andi Pratama', email: 'andi.pratama@pontianak.go.id' },
  siti: { nip: '199007252015032001', nik: '6171026507900002', name: 'Siti Aminah', email: 'siti.aminah@pontianak.go.id' },
  rahmat: { nip: '198001012005011003', nik: '6171030101800005', name: 'Rahmat Hidayat', email: 'rahmat.hidayat@pontianak.go.id' },
  budi: { nip: '199211032019031004', nik: '6171020311920004', name: 'Budi Santoso', email: 'budi.santoso@pontianak.go.id' },
} as const;
