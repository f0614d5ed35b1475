import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The Kubernetes manifests (issue 21): parsed, and checked for what a government deployment review
 * asks of them — probes on /api/health, an autoscaler and disruption budgets, a migrate Job, every
 * pod non-root with a read-only root filesystem, no privilege escalation, no capabilities and
 * resource requests and limits, and network policies that deny by default.
 */
type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> } & Record<string, unknown>;
type Any = any;

const DIR = __dirname;
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
const docs: (Doc & { file: string })[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    return { ...(d.toJS() as Doc), file };
  }),
);
const of = (kind: string, name?: string) => docs.filter((d) => d.kind === kind && (!name || d.metadata.name === name));
const podSpecs = () =>
  [...of('Deployment'), ...of('Job')].map((d) => ({ name: `${d.kind}/${d.metadata.name}`, pod: (d.spec as Any).template.spec }));

describe('deploy/k8s manifests', () => {
  it('parse, and every resource lives in the cqo namespace', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const d of docs.filter((x) => x.kind !== 'Namespace' && x.kind !== 'Kustomization')) expect(`${d.file}:${d.metadata.namespace}`).toBe(`${d.file}:cqo`);
    const listed = (of('Kustomization')[0] as Any).resources as string[];
    expect(listed.every((f) => files.includes(f))).toBe(true);
    expect(files.filter((f) => f !== 'kustomization.yaml' && f !== 'secrets.example.yaml' && !listed.includes(f))).toEqual([]);
  });

  it('the api is probed on /api/health, autoscaled and kept available; the worker too; migrations run as a Job', () => {
    const api = (of('Deployment', 'cqo-api')[0].spec as Any).template.spec.containers[0];
    expect(api.readinessProbe.httpGet.path).toBe('/api/health');
    expect(api.livenessProbe.httpGet.path).toBe('/api/health');
    const hpa = of('HorizontalPodAutoscaler', 'cqo-api')[0].spec as Any;
    expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'cqo-api' });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    expect(of('PodDisruptionBudget').map((p) => (p.spec as Any).selector.matchLabels['app.kubernetes.io/name']).sort()).toEqual(['cqo-api', 'cqo-worker']);
    expect((of('Deployment', 'cqo-worker')[0].spec as Any).replicas).toBeGreaterThanOrEqual(2);
    const job = (of('Job', 'cqo-migrate')[0].spec as Any).template.spec.containers[0];
    expect(job.command).toEqual(['node', 'dist/apps/cli/src/main.js', 'migrate']);
    // Only the migrate Job gets the owner's URL (docs/database-roles.md).
    const owner = (c: Any) => (c.env ?? []).some((e: Any) => e.name === 'DATABASE_OWNER_URL');
    expect(podSpecs().filter((p) => p.pod.containers.some(owner)).map((p) => p.name)).toEqual(['Job/cqo-migrate']);
  });

  it('every pod runs non-root, read-only, without privilege escalation or capabilities, with requests and limits', () => {
    for (const { name, pod } of podSpecs()) {
      expect(`${name}: ${pod.securityContext?.runAsNonRoot}`).toBe(`${name}: true`);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(`${name}/${c.name}: ${c.securityContext?.readOnlyRootFilesystem} ${c.securityContext?.allowPrivilegeEscalation}`).toBe(`${name}/${c.name}: true false`);
        expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
        for (const k of ['cpu', 'memory']) {
          expect(c.resources?.requests?.[k]).toBeDefined();
          expect(c.resources?.limits?.[k]).toBeDefined();
        }
        // A read-only root needs a writable /tmp.
        expect(c.volumeMounts.map((v: Any) => v.mountPath)).toContain('/tmp');
      }
    }
  });

  it('network policies deny by default and open only the api, the metrics and the egress the platform needs', () => {
    const deny = of('NetworkPolicy', 'cqo-default-deny')[0].spec as Any;
    expect(deny.podSelector).toEqual({});
    expect(deny.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(deny.ingress).toBeUndefined();
    expect(deny.egress).toBeUndefined();
    const ingressPorts = of('NetworkPolicy')
      .flatMap((p) => ((p.spec as Any).ingress ?? []).flatMap((r: Any) => r.ports.map((x: Any) => x.port)))
      .sort();
    expect(ingressPorts).toEqual([3000, 9464]);
  });

  it('every file is in the S3-compatible object store: each app pod gets CQO_S3_*, none mounts a shared volume (issue 21)', () => {
    const config = (of('ConfigMap', 'cqo-config')[0] as Any).data as Record<string, string>;
    expect(config).toMatchObject({ CQO_S3_ENDPOINT: expect.stringMatching(/^https?:\/\//), CQO_S3_BUCKET: expect.any(String) });
    expect(config.CQO_FILES_DIR).toBeUndefined();
    expect(of('PersistentVolumeClaim')).toEqual([]);
    for (const { name, pod } of podSpecs()) {
      expect(`${name}: ${(pod.volumes ?? []).filter((v: Any) => v.persistentVolumeClaim).length}`).toBe(`${name}: 0`);
      for (const c of pod.containers) {
        expect(c.envFrom).toContainEqual({ configMapRef: { name: 'cqo-config' } });
        const secretKeys = (c.env ?? []).filter((e: Any) => e.valueFrom?.secretKeyRef).map((e: Any) => e.name);
        expect(secretKeys).toEqual(expect.arrayContaining(['CQO_S3_ACCESS_KEY_ID', 'CQO_S3_SECRET_ACCESS_KEY']));
      }
    }
    // The pods may reach the store: MinIO's port beside PostgreSQL's and Redis'.
    const egressPorts = of('NetworkPolicy', 'cqo-egress').flatMap((p) => (p.spec as Any).egress.flatMap((r: Any) => r.ports.map((x: Any) => x.port)));
    expect(egressPorts).toEqual(expect.arrayContaining([5432, 6379, 9000]));
    const secret = (of('Secret')[0] as Any).stringData as Record<string, string>;
    expect(Object.keys(secret)).toEqual(expect.arrayContaining(['CQO_S3_ACCESS_KEY_ID', 'CQO_S3_SECRET_ACCESS_KEY']));
  });

  it('the example Secret holds placeholders only', () => {
    const secret = of('Secret')[0] as Any;
    expect(Object.values(secret.stringData as Record<string, string>).every((v) => v.includes('CHANGE-ME'))).toBe(true);
  });
});
