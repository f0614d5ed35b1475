export * from './entities/enterprise.entity';
export * from './enterprises.service';
export * from './enterprises.repository';
export * from './enterprises.module';
export * from './dtos/enterprise-query.dto';
export * from './enterprise-refs';
