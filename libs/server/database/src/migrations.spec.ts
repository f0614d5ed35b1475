import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './data-source-options';

/**
 * A landed migration is never edited (issue 19 item 6): a database migrated on its first version
 * never runs it again, so an edit silently leaves that database in another shape. Each landed file
 * is pinned here by SHA-256; a new migration adds its line when it lands. A change to the schema
 * is a new migration (as 1764770000000 is for the two edited before this test existed).
 */
const LANDED: ReadonlyArray<readonly [string, string]> = [
  ['1763800000000-InitialSchema.ts', '7c2ae8394a2f4dfb62f35170afc213037bc4cec288ccd85d330a336170ab62a7'],
  ['1763800000001-LoadRegions.ts', '015055f47cd4a7a6f651e0bfae6654ebc35a208084ea88a87ca7ac38260a1a3a'],
  ['1763900000000-Appointments.ts', '42bd11adf93d698458ebe39d542a1ab1aa9b6c03cd9e944826e608a015c4815c'],
  ['1764000000000-TrainingLedger.ts', 'd6e834d54ad0cafb07ae2a295e4ce63f0af12ae091b8140b2d3ef585a70a0673'],
  ['1764100000000-AnnualReporting.ts', 'caa49ab0a50b933f617e5c61159f48e4fa53d5772e41b3ce4757aedfcc4cb771'],
  ['1764200000000-StatsSnapshots.ts', '2e87dd72a811726b012ecf44cc3fc21b85af77bb51c910b218a1186c54a379c4'],
  ['1764300000000-StatsTrainingYearIndex.ts', '3772212047f5901ea65b64ebb7e55a8acf20de1e6c5f2b476388aa91ce5775d3'],
  ['1764400000000-FileJobs.ts', '66110382310c40d48a9350b4aeaa0662889ab5fe428abe2f67ab9f1e1a47178a'],
  ['1764500000000-Evaluation.ts', 'e087b3870e7999e85b4624b1cb2eb42fdfba9572581eb7788d3d0c4438acf855'],
  ['1764610000000-PolicyRevision.ts', '43cce3a1a37d985bfbab8643abf321d2fafabbec96aa6b3fa31b390b2bd26f48'],
  ['1764620000000-StatsDirty.ts', 'b73379a4f1215ea6ddbc5d89a49c2b7ef9600964dbe446c4a697cc8afec4495d'],
  ['1764630000000-NameGramsInline.ts', 'def9032905a931ac86ac70e8dea7d2f597e21f2be6a1d057b8937e6d6feed0e1'],
  ['1764640000000-StatsDirtyFilings.ts', '87007345b20a2ce4cc40549879cab989715fe1677f597bbf27b2b527241e0023'],
  ['1764650000000-StatDelta.ts', '9bf04c7734b58092d615ab4d13cac8154490ec02d0398b7d5800f4d64fd7f791'],
  ['1764660000000-ViolationVoidRevocationPending.ts', 'e7da36a6f32df104bd24463929adc751bfd1677b0e030ba8eb02f46e7870eaec'],
  ['1764670000000-EnterpriseAwardUndated.ts', '010f91a73a08c9dd7b9993abbde074e5462426106804a0bdaab76e731cc4c82a'],
  ['1764680000000-CityReportAttachment.ts', 'd787cb0fa6a60ba2187bd49798f5fe06ba60b96acf7af09b5841bd6bd9520a4d'],
  ['1764700000000-SessionHardening.ts', 'e368b51e1e68f8463c168fedd720f0febe1c077f468d1ea2aa4ad484073da835'],
  ['1764710000000-AppRole.ts', '798364aa8490f80366ba48e19e48f3f12668d49bd4596a5d2aba5dd4e57b3a40'],
  ['1764710000001-AuditChain.ts', '7dd61821d006465fdd250e2f1a1c5fdf71eab420c61238ed6ba083d3d159f978'],
  ['1764720000000-EnterpriseChangeRequests.ts', 'db4c06d4c52bb75cc7c3b1c9f4679f3eb0439404bd9158d1a72b6b883590ea98'],
  ['1764730000000-OutboxCompletion.ts', 'd70d27da0bd399b1f6801c1a336f681e214d2059e3cd812d9e013b3b773102e9'],
  ['1764740000000-FileJobTrainingImport.ts', '7a5892960685ddd99f135cc46d77ebba7036bb01add89f479673f721dff4d95a'],
  ['1764750000000-FiguresAsOf.ts', '751308ed08728104468cc209e09a3490e8f17f27661cc6f90cd82343c9e9c719'],
  ['1764760000000-ViolationStatusHistory.ts', '17f158f8e566085e9a363431783a1102c17999f684396fead6bc8004d0251b8b'],
  ['1764770000000-EditedMigrationsCatchUp.ts', 'a0efef9f81bc06349a76c1b0990e85a6b6b95423169540b40b1433de3d4cc6f5'],
  ['1764780000000-AwardHistory.ts', '28b47c16f185fb4bd48ab96d1644c0e217e0928d4bb619c89ba6bf9ffc48645e'],
  ['1764785000000-QualifiedNameGrams.ts', '418d6650c8c7d815a1a8ad4cbcbf5348804933e8a1b3ada48dc02cd51c2ff5a9'],
  ['1764790000000-Messaging.ts', '9fe0be7dfc243a3542e3a26fa678c9d7a9e49db918e1ceda50108c112f1476e3'],
  ['1764810000000-StatContrib.ts', '5a29361f7fad6ef3222a75be029ce9c3f731d953a212f002c1500627dcd74b7e'],
  ['1764820000000-EnterpriseClosing.ts', 'e3fba30a93d5c96d35b925dd673c9eb56444958ff263f769a9b6a8758c2296b5'],
  ['1764860000000-StoredFiles.ts', '49ccc1daadee2af2c1dc552976542c96ecf8297c9e959f2a4a9241d8ee9d2848'],
  ['1764840000000-FileJobListExport.ts', '13efb41b5e51806e91acbc38994ed765a0090c21d466f4d47172a0889f406305'],
];

const DIR = join(__dirname, 'migrations');

describe('landed migrations (issue 19 item 6)', () => {
  it.each(LANDED)('%s is unchanged since it landed (SHA-256 pinned)', (file, sha256) => {
    expect(createHash('sha256').update(readFileSync(join(DIR, file))).digest('hex')).toBe(sha256);
  });

  it('every migration file is pinned (a new one adds its hash here when it lands)', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    expect(files.sort()).toEqual(LANDED.map(([f]) => f).sort());
  });

  it('every migration file is registered in MIGRATIONS', () => {
    const registered = MIGRATIONS.map((m) => new m().name).sort();
    const expected = LANDED.map(([f]) => {
      const [, ts, name] = /^(\d+)-(\w+)\.ts$/.exec(f) ?? [];
      return `${name}${ts}`;
    }).sort();
    expect(registered).toEqual(expected);
  });
});
