//! The retcodes ccgw answers with (spec 07). Each entry: code and a short English meaning
//! used as the `message` of error responses.

use crate::refusal::Refusal;

/// One retcode of the Huawei catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Retcode {
    pub code: &'static str,
    pub meaning: &'static str,
}

macro_rules! retcodes {
    ($($name:ident = $code:literal, $meaning:literal;)*) => {
        $(pub const $name: Retcode = Retcode { code: $code, meaning: $meaning };)*
        /// Every retcode ccgw can send, for documentation and uniqueness tests.
        pub const ALL: &[Retcode] = &[$($name),*];
    };
}

retcodes! {
    SUCCESS = "0", "success";
    UNKNOWN = "000-000", "unknown error";
    WRONG_EVENT_METHOD = "000-001", "wrong method used to obtain agent events";
    INVALID_PARAMETER = "000-002", "parameter or URL invalid";
    NO_PERMISSION = "000-003", "no permission: Guid missing, wrong or expired";
    REPEATED_INVOCATION = "000-007", "interface invoked repeatedly";
    SIGN_IN_PARAMETER = "100-001", "sign-in parameter empty or invalid";
    ALREADY_SIGNED_IN = "100-002", "agent already signed in";
    // Sign-in protection: the password checks are all taken; retry in a moment.
    SIGN_IN_BUSY = "100-003", "sign-in busy: too many password checks at once, retry shortly";
    BAD_CREDENTIALS = "100-004", "wrong work number or password";
    SIGN_OUT_PARAMETER = "100-005", "sign-out parameter invalid";
    NOT_SIGNED_IN = "100-006", "agent not signed in";
    INTERNAL = "100-007", "internal error while executing the operation";
    STATE_FORBIDS = "100-009", "the agent state does not allow this operation";
    SIGN_OUT_IN_CALL = "100-010", "cannot sign out during a call";
    PHONE_INVALID = "100-013", "phone number invalid";
    FORCE_LOGIN_DISABLED = "100-015", "already signed in and forced sign-in is disabled";
    SKILL_QUERY_PARAMETER = "100-019", "invalid parameter when querying skill queues";
    SIGN_IN_IN_PROGRESS = "100-021", "agent is signing in, do not call again";
    MULTIMEDIA_DISABLED = "106-001", "multimedia (text chat) is not enabled";
    // ccgw's own: no Huawei code says "this switch cannot" (README, behaviour ccgw chose).
    NOT_ON_THIS_SWITCH = "990-001", "not supported on this switch";
    NOT_PROVIDED = "990-002", "not supported by ccgw";
    QC_SELF = "000-005", "the agent to inspect is the inspector himself";
    QC_NO_RIGHT = "900-002", "QC: no right";
    QC_RESOURCE_UNAVAILABLE = "900-003", "QC: resource unavailable";
    QC_NO_AGENT = "900-004", "QC monitor: no agent information";
    QC_STATE_ERROR = "900-005", "QC: state error";
    PASSWORD_CHANGE_FAILED = "110-002", "password change failed";
    OLD_PASSWORD_WRONG = "110-003", "old password wrong";
    // Sign-in protection: too many wrong passwords (spec 07: account locked).
    ACCOUNT_LOCKED = "110-016", "account locked after too many failed sign-ins; try again later";
    PASSWORD_SAME_AS_OLD = "110-017", "the new password equals the old one";
    PASSWORD_COMPOSITION = "110-019", "the new password violates the composition rule";
    PASSWORD_LENGTH = "110-020", "the new password must be 8-32 characters";
    NUMBER_INVALID = "200-001", "outbound call: the number is wrong";
    NO_CALL_TO_ANSWER = "200-002", "no call to answer";
    NO_CALL_TO_MUTE = "200-003", "mute: no call";
    MUTE_WRONG_STATE = "200-004", "mute: the call state does not allow it";
    NO_CALL_TO_UNMUTE = "200-007", "unmute: no call";
    UNMUTE_WRONG_STATE = "200-008", "unmute: the call is not muted";
    REPORT_SOUND_NO_CALL = "200-009", "report sound: no talking call";
    THREE_PARTY_NO_CALL = "200-010", "three-party: no call";
    THREE_PARTY_NO_HELD_CALL = "200-011", "three-party: no held call";
    TRANSFER_NO_CALL = "200-012", "transfer: no call, or the call cannot be transferred";
    NO_CALL_TO_HOLD = "200-013", "hold: no call";
    HOLD_WRONG_STATE = "200-014", "hold: the call state does not allow it";
    NO_HELD_CALL = "200-015", "retrieve: no held call";
    RETRIEVE_WRONG_STATE = "200-016", "retrieve: another call is active";
    NO_CALL_TO_RELEASE = "200-017", "no call to release";
    CONSULT_NO_CALL = "200-018", "internal consultation: no call";
    PARTY_NOT_IN_CALL = "200-204", "the party is not in the agent's last call";
    AGENT_INFO_NONE = "300-002", "no such agent in this VDN";
    GROUP_AGENT_NOT_FOUND = "300-003", "agent not found for the group query";
    GROUP_NOT_FOUND = "300-004", "group not found";
    CALL_DATA_NO_CALL = "400-001", "call data: no such call at the agent";
    CALL_DATA_NOTHING_TO_SET = "400-002", "set call data: nothing to set";
    HOLD_LIST_EMPTY = "400-003", "hold list: no held call";
    AGENT_SKILLS_NONE = "600-001", "agent not found or no skills configured";
    VDN_SKILLS_NONE = "600-002", "no skill queue configured in this VDN";
    VDN_ACCESS_CODES_NONE = "600-003", "no access code configured in this VDN";
    VDN_IVR_NONE = "600-004", "no IVR flow configured in this VDN";
    AGENT_VDN_SKILLS_NONE = "600-005", "no skill queue configured in the agent's VDN";
}

impl Refusal {
    /// The retcode that tells a Huawei client about this refusal. Every variant is
    /// matched by name so that a new refusal forces a decision here.
    pub fn retcode(&self) -> Retcode {
        match self {
            Refusal::NotSignedIn => NOT_SIGNED_IN,
            Refusal::GuidInvalid => NO_PERMISSION,
            Refusal::AlreadySignedIn => ALREADY_SIGNED_IN,
            Refusal::ForceLoginDisabled => FORCE_LOGIN_DISABLED,
            Refusal::SignInInProgress => SIGN_IN_IN_PROGRESS,
            Refusal::BadCredentials => BAD_CREDENTIALS,
            Refusal::ShuttingDown => INTERNAL,
            Refusal::TooFrequent { .. } => REPEATED_INVOCATION,
            Refusal::SignInParameter(_) => SIGN_IN_PARAMETER,
            Refusal::PhoneInvalid | Refusal::PhoneNotRegistered(_) => PHONE_INVALID,
            Refusal::SignOutParameter(_) => SIGN_OUT_PARAMETER,
            Refusal::InvalidParameter(_) => INVALID_PARAMETER,
            Refusal::SignOutInCall => SIGN_OUT_IN_CALL,
            Refusal::StateForbids => STATE_FORBIDS,
            Refusal::NoCallToAnswer => NO_CALL_TO_ANSWER,
            Refusal::NoCallToRelease => NO_CALL_TO_RELEASE,
            Refusal::PushModePolling => WRONG_EVENT_METHOD,
            Refusal::NumberInvalid => NUMBER_INVALID,
            Refusal::NoIdleAgent => INVALID_PARAMETER,
            Refusal::NoCallToHold => NO_CALL_TO_HOLD,
            Refusal::HoldNotPossible => HOLD_WRONG_STATE,
            Refusal::NoHeldCall => NO_HELD_CALL,
            Refusal::RetrieveNotPossible => RETRIEVE_WRONG_STATE,
            Refusal::NoCallToMute => NO_CALL_TO_MUTE,
            Refusal::MuteNotPossible => MUTE_WRONG_STATE,
            Refusal::NoCallToUnmute => NO_CALL_TO_UNMUTE,
            Refusal::UnmuteNotPossible => UNMUTE_WRONG_STATE,
            // No retcode of its own is known (spec 04 §2.16).
            Refusal::NoCallForDigits => INVALID_PARAMETER,
            Refusal::MediaNotSupported | Refusal::NoTextChannel => MULTIMEDIA_DISABLED,
            Refusal::NotProvided(_) => NOT_PROVIDED,
            Refusal::QcSelf => QC_SELF,
            Refusal::QcNoRight => QC_NO_RIGHT,
            Refusal::QcNoAgent(_) => QC_NO_AGENT,
            Refusal::QcStateError | Refusal::QcCannot(_) => QC_STATE_ERROR,
            Refusal::QcBusy(_) => QC_RESOURCE_UNAVAILABLE,
            Refusal::NotOnThisSwitch(_) => NOT_ON_THIS_SWITCH,
            Refusal::NoCallToConsult => CONSULT_NO_CALL,
            Refusal::ConferenceNoCall => THREE_PARTY_NO_CALL,
            Refusal::ConferenceNoHeldCall => THREE_PARTY_NO_HELD_CALL,
            // The connect-hold page lists the hold codes (spec 04 §3.2).
            Refusal::ConnectHoldNoCall => NO_CALL_TO_HOLD,
            Refusal::ConnectHoldNoHeldCall => HOLD_WRONG_STATE,
            Refusal::PartyNotInCall => PARTY_NOT_IN_CALL,
            Refusal::NoCallToTransfer | Refusal::TransferNotPossible(_) | Refusal::NoTransferToCancel => {
                TRANSFER_NO_CALL
            }
            Refusal::TransferTargetUnavailable(_) => INVALID_PARAMETER,
            // Pickup and requestcall answer a call meant for someone else (spec 04 §2.23-2.24).
            Refusal::NoCallToTake(_) => NO_CALL_TO_ANSWER,
            Refusal::NoCallToReportSound => REPORT_SOUND_NO_CALL,
            Refusal::NoCallForCallData => CALL_DATA_NO_CALL,
            Refusal::NoCallDataToSet => CALL_DATA_NOTHING_TO_SET,
            Refusal::NoHeldCallToList => HOLD_LIST_EMPTY,
            Refusal::AgentNotInVdn(_) => AGENT_INFO_NONE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for entry in ALL {
            assert!(seen.insert(entry.code), "duplicate retcode {}", entry.code);
            let shaped = entry.code == "0"
                || (entry.code.len() == 7
                    && entry.code.as_bytes()[3] == b'-'
                    && entry.code.bytes().filter(u8::is_ascii_digit).count() == 6);
            assert!(shaped, "retcode {:?} is not NNN-NNN", entry.code);
            assert!(!entry.meaning.is_empty());
        }
    }

    #[test]
    fn refusals_map_to_the_codes_clients_branch_on() {
        assert_eq!(Refusal::AlreadySignedIn.retcode().code, "100-002");
        assert_eq!(Refusal::ForceLoginDisabled.retcode().code, "100-015");
        assert_eq!(Refusal::NotSignedIn.retcode().code, "100-006");
        assert_eq!(Refusal::GuidInvalid.retcode().code, "000-003");
        assert_eq!(Refusal::NoCallToRelease.retcode().code, "200-017");
        assert_eq!(Refusal::NoCallToAnswer.retcode().code, "200-002");
    }
}
