import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { FILE_STORAGE, type FileStorage } from './file-storage';
import { LocalFileStorage } from './local-file-storage';
import { S3FileStorage } from './s3-file-storage';

/** The store of `config`: the bucket when `CQO_S3_BUCKET` is set, else the folder `CQO_FILES_DIR`. */
export function createFileStorage(config: Pick<AppConfig, 'filesDir' | 's3'>): FileStorage {
  return config.s3 ? new S3FileStorage(config.s3) : new LocalFileStorage(config.filesDir);
}

/** Provides FILE_STORAGE (one per process) to the features that keep files. */
@Module({
  providers: [{ provide: FILE_STORAGE, inject: [APP_CONFIG], useFactory: createFileStorage }],
  exports: [FILE_STORAGE],
})
export class FileStorageModule {}
