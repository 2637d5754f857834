// Qt IF's `QIfRemoteObjectsPendingResult` (src/helper/remoteobjects), as it travels: a gadget
// named so, with `quint64 id` and `bool failed`, streamed like a repc POD (one QVariant per
// property, `QtRemoteObjects::copyStoredProperties`). An operation answers it instead of a value
// and delivers the value later through `pendingResultAvailable(id, isSuccess, value)`.
#ifndef PENDINGRESULT_H
#define PENDINGRESULT_H

#include <QtCore/QDataStream>
#include <QtCore/QMetaType>
#include <QtRemoteObjects/qtremoteobjectglobal.h>

class QIfRemoteObjectsPendingResult
{
    Q_GADGET
    Q_PROPERTY(quint64 id READ id WRITE setId)
    Q_PROPERTY(bool failed READ failed WRITE setFailed)
public:
    QIfRemoteObjectsPendingResult() = default;
    QIfRemoteObjectsPendingResult(quint64 id, bool failed) : m_id(id), m_failed(failed) {}
    quint64 id() const { return m_id; }
    void setId(quint64 id) { m_id = id; }
    bool failed() const { return m_failed; }
    void setFailed(bool failed) { m_failed = failed; }
    friend bool operator==(const QIfRemoteObjectsPendingResult &a, const QIfRemoteObjectsPendingResult &b)
    {
        return a.m_id == b.m_id && a.m_failed == b.m_failed;
    }

private:
    quint64 m_id = 0;
    bool m_failed = false;
};

inline QDataStream &operator<<(QDataStream &ds, QIfRemoteObjectsPendingResult obj)
{
    QtRemoteObjects::copyStoredProperties(&obj, ds);
    return ds;
}

inline QDataStream &operator>>(QDataStream &ds, QIfRemoteObjectsPendingResult &obj)
{
    QtRemoteObjects::copyStoredProperties(ds, &obj);
    return ds;
}

Q_DECLARE_METATYPE(QIfRemoteObjectsPendingResult)

#endif // PENDINGRESULT_H
