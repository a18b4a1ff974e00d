// Media types and annotation keys of the OCI image spec (v1.0/1.1) that the writer and readers use.
export const MEDIA_TYPE_INDEX = 'application/vnd.oci.image.index.v1+json';
export const MEDIA_TYPE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_TYPE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const MEDIA_TYPE_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const MEDIA_TYPE_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';

/** Docker schema2 equivalents, accepted when reading layouts made by other tools. */
export const MEDIA_TYPE_DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const MEDIA_TYPE_DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** The tag of a manifest inside an OCI layout (umoci and skopeo select by it). */
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
/** The full image name; `ctr images import` and docker ≥25 name the imported image from it. */
export const ANNOTATION_CONTAINERD_NAME = 'io.containerd.image.name';

export const OCI_LAYOUT_VERSION = '1.0.0';
