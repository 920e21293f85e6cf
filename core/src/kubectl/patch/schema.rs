//! The strategic-merge metadata of the kinds Podlab stores: which lists merge
//! by which key, which keep only the keys a patch names, and the structs on
//! the way to them.
//!
//! The data mirrors the `patchStrategy` and `patchMergeKey` struct tags of
//! `k8s.io/api` (`core/v1`, `apps/v1`, `batch/v1`), which are also what the
//! OpenAPI `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key`
//! extensions say. Where the OpenAPI schema adds `x-kubernetes-list-map-keys`
//! (container ports keyed by port *and* protocol), strategic merge patch
//! still uses the single merge key, so two ports that differ only in
//! protocol collide exactly as they do on a real cluster.
//!
//! Only the fields that carry metadata, or lead to fields that do, are
//! listed. Any other field behaves as an untagged one: objects merge key by
//! key and lists are replaced whole.

/// The shape of a value at some position in an object.
#[derive(Debug)]
pub enum Type {
    /// A Go struct; fields not listed are untagged.
    Struct(&'static Struct),
    /// A Go slice of the element type.
    List(&'static Type),
    /// A Go map from strings to the element type.
    Map(&'static Type),
    /// A `runtime.RawExtension`: JSON kept verbatim, whose insides have no
    /// fields the patch machinery can look up.
    Raw(&'static str),
    /// A scalar, or a field left unmodelled.
    Any,
}

/// A Go struct type: its name (as error messages print it) and its tagged
/// fields.
#[derive(Debug)]
pub struct Struct {
    pub name: &'static str,
    pub fields: &'static [Field],
}

/// One JSON field of a struct.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Type,
    pub patch: PatchMeta,
}

/// The list or object strategy a `patchStrategy` tag names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Merge,
    Replace,
}

/// A field's `patchStrategy` and `patchMergeKey` tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PatchMeta {
    pub strategy: Option<Strategy>,
    /// `retainKeys` in the tag: a patched element keeps only the keys the
    /// patch names.
    pub retain_keys: bool,
    /// The merge key of a list of objects; empty for a list of scalars.
    pub merge_key: &'static str,
}

/// Untagged.
pub const UNTAGGED: PatchMeta = PatchMeta {
    strategy: None,
    retain_keys: false,
    merge_key: "",
};

/// `patchStrategy:"merge" patchMergeKey:"<key>"` (an empty key for a list
/// of scalars).
pub const fn merge(key: &'static str) -> PatchMeta {
    PatchMeta {
        strategy: Some(Strategy::Merge),
        retain_keys: false,
        merge_key: key,
    }
}

/// `patchStrategy:"merge,retainKeys" patchMergeKey:"<key>"`.
pub const fn merge_retain_keys(key: &'static str) -> PatchMeta {
    PatchMeta {
        strategy: Some(Strategy::Merge),
        retain_keys: true,
        merge_key: key,
    }
}

/// `patchStrategy:"retainKeys"`.
pub const RETAIN_KEYS: PatchMeta = PatchMeta {
    strategy: None,
    retain_keys: true,
    merge_key: "",
};

impl Type {
    /// The name error messages give the type (Go's `reflect.Kind`).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Type::Struct(_) | Type::Raw(_) => "struct",
            Type::List(_) => "slice",
            Type::Map(_) => "map",
            Type::Any => "interface",
        }
    }

    /// The type and tags of the field `key` of this object type, as
    /// `LookupPatchMetadataForStruct` finds them.
    pub fn field(&'static self, key: &str) -> Result<(&'static Type, PatchMeta), String> {
        match self {
            Type::Struct(s) => match s.fields.iter().find(|f| f.name == key) {
                Some(f) => Ok((&f.ty, f.patch)),
                // Directive keys are never fields; everything else unlisted
                // is an untagged field.
                None if key.starts_with('$') => Err(not_a_field(s.name, key)),
                None => Ok((&ANY, UNTAGGED)),
            },
            Type::Map(elem) => Ok((elem, UNTAGGED)),
            Type::Raw(name) => Err(not_a_field(name, key)),
            Type::List(_) => Err(
                "merging an object in json but data type is not map or struct, instead is: slice"
                    .to_string(),
            ),
            Type::Any => Ok((&ANY, UNTAGGED)),
        }
    }

    /// The element type and tags of the list field `key`, as
    /// `LookupPatchMetadataForSlice` finds them.
    pub fn list_field(&'static self, key: &str) -> Result<(&'static Type, PatchMeta), String> {
        let (ty, meta) = self.field(key)?;
        match ty {
            Type::List(elem) => Ok((elem, meta)),
            Type::Any => Ok((&ANY, meta)),
            _ => Err(format!(
                "expected slice or array type, but got: {}",
                self.kind_name()
            )),
        }
    }
}

fn not_a_field(struct_name: &str, key: &str) -> String {
    format!(
        "unable to find api field in struct {struct_name} for the json field {}",
        crate::kubectl::printers::gofmt::quote(key)
    )
}

/// The type of a kind's whole object.
#[derive(Debug)]
pub struct Schema {
    pub kind: &'static str,
    pub root: &'static Type,
}

/// The schema of a kind, by its `kind` string; `None` for kinds Podlab does
/// not store (which the API server does not accept strategic merge patches
/// for, and `kubectl apply` patches with JSON merge patch instead).
pub fn schema_for(kind: &str) -> Option<&'static Schema> {
    SCHEMAS.iter().find(|s| s.kind == kind)
}

/// An untagged value of any shape.
pub static ANY: Type = Type::Any;

const fn field(name: &'static str, ty: Type, patch: PatchMeta) -> Field {
    Field { name, ty, patch }
}

/// A struct field with no tags of its own.
const fn nested(name: &'static str, s: &'static Struct) -> Field {
    Field {
        name,
        ty: Type::Struct(s),
        patch: UNTAGGED,
    }
}

/// A list field of untagged elements.
const fn list(name: &'static str, patch: PatchMeta) -> Field {
    Field {
        name,
        ty: Type::List(&ANY),
        patch,
    }
}

/// A list field whose elements are structs with tagged fields.
const fn list_of(name: &'static str, elem: &'static Type, patch: PatchMeta) -> Field {
    Field {
        name,
        ty: Type::List(elem),
        patch,
    }
}

/// `status.conditions` keyed by `type`, as every condition list is.
const CONDITIONS: Field = list("conditions", merge("type"));

// ---- meta/v1 ----

static OBJECT_META: Struct = Struct {
    name: "ObjectMeta",
    fields: &[
        field("labels", Type::Map(&ANY), UNTAGGED),
        field("annotations", Type::Map(&ANY), UNTAGGED),
        list("finalizers", merge("")),
        list("ownerReferences", merge("uid")),
    ],
};

// ---- core/v1 ----

static CONTAINER: Type = Type::Struct(&Struct {
    name: "Container",
    fields: &[
        list("ports", merge("containerPort")),
        list("env", merge("name")),
        list("volumeMounts", merge("mountPath")),
        list("volumeDevices", merge("devicePath")),
    ],
});

static EPHEMERAL_CONTAINER: Type = Type::Struct(&Struct {
    name: "EphemeralContainer",
    fields: &[
        list("ports", merge("containerPort")),
        list("env", merge("name")),
        list("volumeMounts", merge("mountPath")),
        list("volumeDevices", merge("devicePath")),
    ],
});

static POD_SPEC: Struct = Struct {
    name: "PodSpec",
    fields: &[
        list("volumes", merge_retain_keys("name")),
        list_of("initContainers", &CONTAINER, merge("name")),
        list_of("containers", &CONTAINER, merge("name")),
        list_of("ephemeralContainers", &EPHEMERAL_CONTAINER, merge("name")),
        list("imagePullSecrets", merge("name")),
        list("hostAliases", merge("ip")),
        list("topologySpreadConstraints", merge("topologyKey")),
        list("schedulingGates", merge("name")),
        list("resourceClaims", merge_retain_keys("name")),
    ],
};

static POD_STATUS: Struct = Struct {
    name: "PodStatus",
    fields: &[
        CONDITIONS,
        list("podIPs", merge("ip")),
        list("hostIPs", merge("ip")),
        list("resourceClaimStatuses", merge_retain_keys("name")),
    ],
};

static POD_TEMPLATE_SPEC: Struct = Struct {
    name: "PodTemplateSpec",
    fields: &[nested("metadata", &OBJECT_META), nested("spec", &POD_SPEC)],
};

static CONDITIONS_STATUS: Struct = Struct {
    name: "Status",
    fields: &[CONDITIONS],
};

static POD: Type = Type::Struct(&Struct {
    name: "Pod",
    fields: &[
        nested("metadata", &OBJECT_META),
        nested("spec", &POD_SPEC),
        nested("status", &POD_STATUS),
    ],
});

static NODE: Type = Type::Struct(&Struct {
    name: "Node",
    fields: &[
        nested("metadata", &OBJECT_META),
        nested(
            "spec",
            &Struct {
                name: "NodeSpec",
                fields: &[list("podCIDRs", merge(""))],
            },
        ),
        nested(
            "status",
            &Struct {
                name: "NodeStatus",
                fields: &[CONDITIONS, list("addresses", merge("type"))],
            },
        ),
    ],
});

static SERVICE: Type = Type::Struct(&Struct {
    name: "Service",
    fields: &[
        nested("metadata", &OBJECT_META),
        nested(
            "spec",
            &Struct {
                name: "ServiceSpec",
                fields: &[list("ports", merge("port"))],
            },
        ),
        nested("status", &CONDITIONS_STATUS),
    ],
});

static SERVICE_ACCOUNT: Type = Type::Struct(&Struct {
    name: "ServiceAccount",
    fields: &[
        nested("metadata", &OBJECT_META),
        list("secrets", merge("name")),
    ],
});

static NAMESPACE: Type = Type::Struct(&Struct {
    name: "Namespace",
    fields: &[
        nested("metadata", &OBJECT_META),
        nested("status", &CONDITIONS_STATUS),
    ],
});

static PERSISTENT_VOLUME_CLAIM: Type = Type::Struct(&Struct {
    name: "PersistentVolumeClaim",
    fields: &[
        nested("metadata", &OBJECT_META),
        nested("status", &CONDITIONS_STATUS),
    ],
});

/// Kinds whose only tagged fields are their metadata's.
static METADATA_ONLY: Type = Type::Struct(&Struct {
    name: "Object",
    fields: &[nested("metadata", &OBJECT_META)],
});

static CONFIG_MAP: Type = Type::Struct(&Struct {
    name: "ConfigMap",
    fields: &[
        nested("metadata", &OBJECT_META),
        field("data", Type::Map(&ANY), UNTAGGED),
        field("binaryData", Type::Map(&ANY), UNTAGGED),
    ],
});

static SECRET: Type = Type::Struct(&Struct {
    name: "Secret",
    fields: &[
        nested("metadata", &OBJECT_META),
        field("data", Type::Map(&ANY), UNTAGGED),
        field("stringData", Type::Map(&ANY), UNTAGGED),
    ],
});

// ---- apps/v1 ----

/// A workload spec whose only tagged field is its pod template.
static TEMPLATED_SPEC: Struct = Struct {
    name: "Spec",
    fields: &[nested("template", &POD_TEMPLATE_SPEC)],
};

static DEPLOYMENT: Type = Type::Struct(&Struct {
    name: "Deployment",
    fields: &[
        nested("metadata", &OBJECT_META),
        nested(
            "spec",
            &Struct {
                name: "DeploymentSpec",
                fields: &[
                    nested("template", &POD_TEMPLATE_SPEC),
                    field(
                        "strategy",
                        Type::Struct(&Struct {
                            name: "DeploymentStrategy",
                            fields: &[],
                        }),
                        RETAIN_KEYS,
                    ),
                ],
            },
        ),
        nested("status", &CONDITIONS_STATUS),
    ],
});

static TEMPLATED_WORKLOAD: Type = Type::Struct(&Struct {
    name: "Workload",
    fields: &[
        nested("metadata", &OBJECT_META),
        nested("spec", &TEMPLATED_SPEC),
        nested("status", &CONDITIONS_STATUS),
    ],
});

static CONTROLLER_REVISION: Type = Type::Struct(&Struct {
    name: "ControllerRevision",
    fields: &[
        nested("metadata", &OBJECT_META),
        field("data", Type::Raw("RawExtension"), UNTAGGED),
    ],
});

// ---- batch/v1 ----

static JOB: Type = Type::Struct(&Struct {
    name: "Job",
    fields: &[
        nested("metadata", &OBJECT_META),
        nested("spec", &TEMPLATED_SPEC),
        nested("status", &CONDITIONS_STATUS),
    ],
});

static CRON_JOB: Type = Type::Struct(&Struct {
    name: "CronJob",
    fields: &[
        nested("metadata", &OBJECT_META),
        nested(
            "spec",
            &Struct {
                name: "CronJobSpec",
                fields: &[nested(
                    "jobTemplate",
                    &Struct {
                        name: "JobTemplateSpec",
                        fields: &[
                            nested("metadata", &OBJECT_META),
                            nested("spec", &TEMPLATED_SPEC),
                        ],
                    },
                )],
            },
        ),
    ],
});

/// Every kind Podlab stores.
pub static SCHEMAS: &[Schema] = &[
    Schema {
        kind: "Pod",
        root: &POD,
    },
    Schema {
        kind: "Node",
        root: &NODE,
    },
    Schema {
        kind: "Service",
        root: &SERVICE,
    },
    Schema {
        kind: "Endpoints",
        root: &METADATA_ONLY,
    },
    Schema {
        kind: "ConfigMap",
        root: &CONFIG_MAP,
    },
    Schema {
        kind: "Secret",
        root: &SECRET,
    },
    Schema {
        kind: "ServiceAccount",
        root: &SERVICE_ACCOUNT,
    },
    Schema {
        kind: "Namespace",
        root: &NAMESPACE,
    },
    Schema {
        kind: "Event",
        root: &METADATA_ONLY,
    },
    Schema {
        kind: "PersistentVolume",
        root: &METADATA_ONLY,
    },
    Schema {
        kind: "PersistentVolumeClaim",
        root: &PERSISTENT_VOLUME_CLAIM,
    },
    Schema {
        kind: "EndpointSlice",
        root: &METADATA_ONLY,
    },
    Schema {
        kind: "Deployment",
        root: &DEPLOYMENT,
    },
    Schema {
        kind: "ReplicaSet",
        root: &TEMPLATED_WORKLOAD,
    },
    Schema {
        kind: "StatefulSet",
        root: &TEMPLATED_WORKLOAD,
    },
    Schema {
        kind: "DaemonSet",
        root: &TEMPLATED_WORKLOAD,
    },
    Schema {
        kind: "ControllerRevision",
        root: &CONTROLLER_REVISION,
    },
    Schema {
        kind: "Job",
        root: &JOB,
    },
    Schema {
        kind: "CronJob",
        root: &CRON_JOB,
    },
    Schema {
        kind: "StorageClass",
        root: &METADATA_ONLY,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_brief_kind_has_a_schema() {
        for kind in [
            "Pod",
            "Node",
            "Service",
            "Endpoints",
            "ConfigMap",
            "Secret",
            "ServiceAccount",
            "Namespace",
            "Event",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "EndpointSlice",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
            "DaemonSet",
            "ControllerRevision",
            "Job",
            "CronJob",
            "StorageClass",
        ] {
            assert!(schema_for(kind).is_some(), "{kind}");
        }
        assert!(schema_for("Widget").is_none());
    }

    #[test]
    fn lookups_follow_the_tags() {
        let pod = schema_for("Pod").map(|s| s.root).unwrap_or(&ANY);
        let cases: &[(&str, &[&str], PatchMeta)] = &[
            (
                "containers merge by name",
                &["spec", "containers"],
                merge("name"),
            ),
            (
                "volumes keep only named keys",
                &["spec", "volumes"],
                merge_retain_keys("name"),
            ),
            (
                "tolerations are replaced",
                &["spec", "tolerations"],
                UNTAGGED,
            ),
            (
                "finalizers merge as scalars",
                &["metadata", "finalizers"],
                merge(""),
            ),
            (
                "conditions merge by type",
                &["status", "conditions"],
                merge("type"),
            ),
        ];
        for (name, path, want) in cases {
            let mut ty = pod;
            let mut meta = UNTAGGED;
            for key in *path {
                let (t, m) = ty.field(key).unwrap_or((&ANY, UNTAGGED));
                ty = t;
                meta = m;
            }
            assert_eq!(meta, *want, "{name}");
        }
    }

    #[test]
    fn container_fields_are_reached_through_the_list() {
        let deploy = schema_for("Deployment").map(|s| s.root).unwrap_or(&ANY);
        let spec = deploy
            .field("spec")
            .and_then(|(t, _)| t.field("template"))
            .and_then(|(t, _)| t.field("spec"))
            .and_then(|(t, _)| t.list_field("containers"));
        let (container, meta) = spec.unwrap_or((&ANY, UNTAGGED));
        assert_eq!(meta, merge("name"));
        assert_eq!(
            container.list_field("ports").map(|(_, m)| m),
            Ok(merge("containerPort"))
        );
    }

    #[test]
    fn directive_keys_and_raw_extensions_are_not_fields() {
        let pod = schema_for("Pod").map(|s| s.root).unwrap_or(&ANY);
        assert_eq!(
            pod.field("$setElementOrder/x").map(|(_, m)| m),
            Err(
                "unable to find api field in struct Pod for the json field \"$setElementOrder/x\""
                    .to_string()
            )
        );
        let rev = schema_for("ControllerRevision")
            .map(|s| s.root)
            .unwrap_or(&ANY);
        let data = rev.field("data").map(|(t, _)| t).unwrap_or(&ANY);
        assert_eq!(
            data.field("spec").map(|(_, m)| m),
            Err(
                "unable to find api field in struct RawExtension for the json field \"spec\""
                    .to_string()
            )
        );
    }
}
