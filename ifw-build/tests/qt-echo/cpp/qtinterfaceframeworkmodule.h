// A stand-in for Qt IF's QtInterfaceFrameworkModule, with what the QIfPagingModel .rep names:
// the ModelCapabilities flags of its supportedCapabilitiesChanged signal.
#ifndef QTINTERFACEFRAMEWORKMODULE_H
#define QTINTERFACEFRAMEWORKMODULE_H

#include <QObject>

class QtInterfaceFrameworkModule : public QObject
{
    Q_OBJECT
public:
    enum ModelCapability {
        NoExtras = 0x0,
        SupportsGetSize = 0x1,
        SupportsFiltering = 0x2,
        SupportsSorting = 0x4,
        SupportsAndConjunction = 0x8,
        SupportsOrConjunction = 0x10,
        SupportsStatelessNavigation = 0x20
    };
    Q_DECLARE_FLAGS(ModelCapabilities, ModelCapability)
    Q_FLAG(ModelCapabilities)
};
Q_DECLARE_OPERATORS_FOR_FLAGS(QtInterfaceFrameworkModule::ModelCapabilities)

#endif // QTINTERFACEFRAMEWORKMODULE_H
