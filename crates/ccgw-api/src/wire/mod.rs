//! Wire rules that existing Huawei clients depend on (spec 08), kept in one place so
//! handlers cannot get them wrong one by one.

pub(crate) mod body_limits;
pub(crate) mod cors;
pub(crate) mod error_shape;
pub(crate) mod lenient;
pub(crate) mod normalize;
pub(crate) mod reply;
pub(crate) mod set_guid;
