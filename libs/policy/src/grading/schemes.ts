// Capability-evaluation scoring schemes (SPEC §6) as pure data.
// zhejiang: seed 000 附录B 表B.1; hunan: seed 001 附录A 表A.1 and 附录B 表B.1/B.2.

export interface Indicator {
  /** Clause id, e.g. '6.1.1.1', '6.5.1.2a', '8.4.1'. */
  id: string;
  title: string;
  max: number;
  /** Source clause, e.g. '000 附录B 6.1.1.1'. */
  clause: string;
}

export interface Dimension {
  /** First-level indicator id, e.g. '6.1' or '8.1'. */
  id: string;
  title: string;
  max: number;
  /** Grade minimum for this dimension from the bands, null if none. */
  min: number | null;
  indicators: Indicator[];
}

export type Grade = 'AAA' | 'AAAA' | 'AAAAA';

export interface GradeBand {
  grade: Grade;
  minTotal: number;
  /** Exclusive upper bound; null for the top band. */
  maxTotal: number | null;
}

export type SchemeName = 'zhejiang' | 'hunan';

export interface ScoringScheme {
  name: SchemeName;
  title: string;
  clause: string;
  total: 1000;
  dimensions: Dimension[];
  passTotal: number;
  bands: GradeBand[];
}

/** Grades from lowest to highest. */
export const GRADES: readonly Grade[] = ['AAA', 'AAAA', 'AAAAA'];

// 001 附录B 表B.2: AAA ≥300 且 <600, AAAA ≥600 且 <800, AAAAA ≥800.
const HUNAN_BANDS: GradeBand[] = [
  { grade: 'AAA', minTotal: 300, maxTotal: 600 },
  { grade: 'AAAA', minTotal: 600, maxTotal: 800 },
  { grade: 'AAAAA', minTotal: 800, maxTotal: null },
];

type Row = [id: string, title: string, max: number];

function indicators(prefix: string, rows: Row[]): Indicator[] {
  return rows.map(([id, title, max]) => ({ id, title, max, clause: `${prefix} ${id}` }));
}

const Z = '000 附录B';

const ZHEJIANG: ScoringScheme = {
  name: 'zhejiang',
  title: '浙江省首席质量官评价指标及分值',
  clause: '000 附录B 表B.1',
  total: 1000,
  passTotal: 300,
  // 000 7.4.4 refers grade bands to 附录D, which is not in the seed; per SPEC §6 they default to
  // the hunan bands (001 附录B 表B.2) and are settings.
  bands: HUNAN_BANDS.map((b) => ({ ...b })),
  // Dimension minimums: 000 gives none (附录D not in the seed) and says nothing about mapping
  // 001 表B.1 proportionally, so every zhejiang dimension has min null.
  dimensions: [
    {
      id: '6.1',
      title: '意识',
      max: 120,
      min: null,
      indicators: indicators(Z, [
        // 6.1.1 质量意识 (90)
        ['6.1.1.1', '应用系统思维开展全面质量管理的意识', 20],
        ['6.1.1.2', '基于风险的思维与风险管理的意识', 15],
        ['6.1.1.3', '以顾客需求和期望为导向的意识', 15],
        ['6.1.1.4', '培育质量文化、提升全员质量素质的意识', 10],
        ['6.1.1.5', '基于事实（数据和信息）的分析和评价作出决策的意识', 10],
        ['6.1.1.6', '寻找改进机会、持续改进、降本增效的意识', 10],
        ['6.1.1.7', '应用新技术、新方法提升质量创新能力的意识', 10],
        // 6.1.2 社会责任意识 (30)
        ['6.1.2.1', '推动建立包含质量、环境、职业健康安全在内的整合型管理体系的意识', 10],
        ['6.1.2.2', '参与包括标准制修订、标准化试点示范在内的各类标准化活动的意识', 10],
        ['6.1.2.3', '促进组织供应链、所处行业质量提升的意识', 5],
        ['6.1.2.4', '推动组织在文化、教育、卫生、慈善、社区、行业发展和环境保护等领域开展公益活动的意识', 5],
      ]),
    },
    {
      id: '6.2',
      title: '诚信',
      max: 60,
      min: null,
      indicators: indicators(Z, [
        ['6.2.1', '能及时发现并报告组织质量工作中存在的问题或风险隐患', 20],
        ['6.2.2', '能充分、独立地履行职责，作出审慎、及时的判断，主动回避有利益冲突的事项', 20],
        ['6.2.3', '能保守组织和合作伙伴的商业秘密', 20],
      ]),
    },
    {
      id: '6.3',
      title: '知识',
      max: 80,
      min: null,
      indicators: indicators(Z, [
        // 6.3.1 知识结构 (30)
        ['6.3.1.1', '具备质量及相关领域法律法规知识', 3],
        ['6.3.1.2', '具备管理（质量管理）基础知识', 3],
        ['6.3.1.3', '具备质量战略制定和质量目标分解相关知识', 3],
        ['6.3.1.4', '具备质量领导力构建相关知识', 3],
        ['6.3.1.5', '具备质量文化建设相关知识', 3],
        ['6.3.1.6', '具备质量风险管理与危机处理相关知识', 3],
        ['6.3.1.7', '具备质量成熟度评价与持续改进相关知识', 3],
        ['6.3.1.8', '具备质量工具（数字化质量工具）运用相关知识', 3],
        ['6.3.1.9', '具备质量经济性管理相关知识', 3],
        ['6.3.1.10', '具备质量品牌管理相关知识', 3],
        // 000 表B.1 gives 6.3.2 no sub-items, so the second-level indicator is itself the leaf.
        ['6.3.2', '知识运用', 50],
      ]),
    },
    {
      id: '6.4',
      title: '能力',
      max: 240,
      min: null,
      indicators: indicators(Z, [
        // 6.4.1 策划能力 (60)
        ['6.4.1.1', '策划与组织总体战略、战略目标保持一致的质量方针或战略、质量目标', 15],
        ['6.4.1.2', '针对质量方针或战略，策划建立相应管理体系，策划制定长短期质量措施计划', 15],
        ['6.4.1.3', '针对质量目标，策划制定管理体系绩效目标、阶段性质量目标', 15],
        ['6.4.1.4', '根据组织内外部环境的变化，及时策划变更质量方针或战略、质量目标', 15],
        // 6.4.2 实施能力 (80)
        ['6.4.2.1', '协调配置所需的资源，明确有关职责与权限，应用适宜的方法，实施管理体系、长短期质量措施计划', 20],
        ['6.4.2.2', '建立过程绩效指标，监测和控制实施管理体系、长短期质量措施计划所需的过程', 20],
        ['6.4.2.3', '利用过程监测获得的信息，及时对过程进行调整', 20],
        ['6.4.2.4', '采用适宜的方法测量、分析和评价管理体系绩效目标、阶段性质量目标的实现情况，识别质量工作改进与创新的机会', 20],
        // 6.4.3 学习能力 (60)
        ['6.4.3.1', '审视现有的知识，及时更新开展质量、经营、技术、品牌等方面管理工作所需的知识', 15],
        ['6.4.3.2', '总结提炼知识与经验，形成质量工作创新成果', 15],
        ['6.4.3.3', '营造重视知识的学习型组织文化，促进员工开展自我学习', 15],
        ['6.4.3.4', '明确知识管理过程，建立知识管理平台，在组织内部收集和传递知识', 15],
        // 6.4.4 整合能力 (40)
        ['6.4.4.1', '整合资源、方法，科学、系统地开展全员、全要素、全过程、全数据的质量管理', 20],
        ['6.4.4.2', '协调整合组织内外部资源，运用合理的方法，持续促进质量工作的改进、优化以及创新发展', 20],
      ]),
    },
    {
      id: '6.5',
      title: '沟通',
      max: 100,
      min: null,
      indicators: indicators(Z, [
        // 6.5.1 内部沟通 (60)
        ['6.5.1.1', '建立健全组织内部质量工作沟通机制', 20],
        ['6.5.1.2a', '在组织内部就质量文化等开展沟通', 10],
        ['6.5.1.2b', '在组织内部就质量目标、管理体系绩效目标等开展沟通', 10],
        ['6.5.1.2c', '在组织内部就法律法规要求、顾客要求、岗位要求等开展沟通', 10],
        ['6.5.1.2d', '在组织内部就顾客满意度、质量工作绩效等开展沟通', 10],
        // 6.5.2 外部沟通 (40); 6.5.2.4–6.5.2.6 continue on the next page of 表B.1.
        ['6.5.2.1', '确定组织外部相关方及其与组织的关系', 10],
        ['6.5.2.2', '与外部相关方建立平衡短期利益与长期考虑的关系', 10],
        ['6.5.2.3', '与外部相关方共同收集和共享信息、专业知识和资源', 5],
        ['6.5.2.4', '必要时向外部相关方报告组织绩效', 5],
        ['6.5.2.5', '与供方、合作伙伴及其他外部相关方合作开展质量改进活动', 5],
        ['6.5.2.6', '激励供方及合作伙伴的改进和成绩', 5],
      ]),
    },
    {
      id: '6.6',
      title: '业绩',
      max: 400,
      min: null,
      indicators: indicators(Z, [
        // 6.6.1 工作绩效 (150)
        ['6.6.1a', '组织在产品或服务提升、管理效能提高、质量成本控制、顾客满意等方面的绩效', 50],
        ['6.6.1b', '个人在质量、经营、技术、品牌等方面的工作绩效', 50],
        ['6.6.1c', '在为组织培养质量人才方面发挥的作用', 50],
        // 6.6.2 学术成就 (60)
        ['6.6.2a', '学历、技术职称、工作经历等', 15],
        ['6.6.2b', '取得的学术职务，在行业的学术地位', 15],
        ['6.6.2c', '在质量管理、专业技术领域的学术成果', 15],
        ['6.6.2d', '推动组织或团队取得的学术成果', 15],
        // 6.6.3 创新成果 (100)
        ['6.6.3a', '在质量、经营、技术、品牌等管理方面的创新成果，并形成可分享、可推广的成功经验或管理模式', 50],
        ['6.6.3b', '推动组织或团队取得的创新成果，在地区或行业内得到认可', 50],
        // 6.6.4 社会贡献 (50)
        ['6.6.4a', '宣传质量理念，传播质量知识', 20],
        ['6.6.4b', '分享最佳实践、典型经验和先进技术方法', 20],
        ['6.6.4c', '提供质量公益服务', 10],
        // 000 表B.1 gives 6.6.5 no lettered sub-items (honours are described, not itemised): one leaf.
        ['6.6.5', '所获荣誉', 40],
      ]),
    },
  ],
};

const H = '001 附录A';

// 001 附录A 表A.1 gives points only at the second level, so hunan's leaves are the second-level
// indicators; 8.2 诚信 and 8.3 知识 have no second level in 表A.1 ("/"), so they are their own leaf.
// Dimension minimums from 001 附录B 表B.1.
const HUNAN: ScoringScheme = {
  name: 'hunan',
  title: '湖南省首席质量官认定指标及分值',
  clause: '001 附录A 表A.1, 附录B',
  total: 1000,
  passTotal: 300, // 001 附录B B.1: 认定分值高于 300分(含)
  bands: HUNAN_BANDS.map((b) => ({ ...b })),
  dimensions: [
    {
      id: '8.1',
      title: '意识',
      max: 150,
      min: 40,
      indicators: indicators(H, [
        ['8.1.1', '质量意识', 100],
        ['8.1.2', '社会责任意识', 50],
      ]),
    },
    { id: '8.2', title: '诚信', max: 80, min: 50, indicators: indicators(H, [['8.2', '诚信', 80]]) },
    { id: '8.3', title: '知识', max: 90, min: 40, indicators: indicators(H, [['8.3', '知识', 90]]) },
    {
      id: '8.4',
      title: '能力',
      max: 280,
      min: 90,
      indicators: indicators(H, [
        ['8.4.1', '策划能力', 80],
        ['8.4.2', '实施能力', 100],
        ['8.4.3', '学习能力', 60],
        ['8.4.4', '整合能力', 40],
      ]),
    },
    {
      id: '8.5',
      title: '业绩',
      max: 400,
      min: 80,
      indicators: indicators(H, [
        ['8.5.1', '工作绩效', 150],
        ['8.5.2', '学术成就', 60],
        ['8.5.3', '创新成果', 100],
        ['8.5.4', '社会贡献', 50],
        ['8.5.5', '获得荣誉', 40],
      ]),
    },
  ],
};

export const SCORING_SCHEMES: Record<SchemeName, ScoringScheme> = {
  zhejiang: ZHEJIANG,
  hunan: HUNAN,
};
